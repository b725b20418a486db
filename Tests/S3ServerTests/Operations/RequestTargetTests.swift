import Testing

@testable import S3Server

@Suite struct RequestTargetTests {
    @Test func keepsTheRawPathAndDecodesTheKeyOnce() throws {
        let target = try RequestTarget("/bucket/a%2Fb/%2525/../x//y/?uploads&prefix=a+b&x=%3D")
        #expect(target.rawPath == "/bucket/a%2Fb/%2525/../x//y/")
        let address = try target.pathStyleAddress()
        #expect(address.bucket == "bucket")
        #expect(address.key == "a/b/%25/../x//y/")
        #expect(target.parameter("uploads") == "")
        #expect(target.parameter("prefix") == "a b")
        #expect(target.parameter("x") == "=")
        #expect(target.parameter("missing") == nil)
    }

    @Test(arguments: ["/b/%zz", "/b?x=%", "nopath", "/b/%C3%28"])
    func malformedTargetsAreInvalidURI(target: String) {
        #expect(throws: S3Error.self) {
            let parsed = try RequestTarget(target)
            _ = try parsed.pathStyleAddress()
        }
    }

    @Test func bucketPatterns() {
        #expect(BucketPattern("*").matches("anything"))
        #expect(BucketPattern("data-*").matches("data-1"))
        #expect(!BucketPattern("data-*").matches("xdata-1"))
        #expect(!BucketPattern("data").matches("data-private"))
        #expect(BucketPattern("a?c").matches("abc"))
        #expect(!BucketPattern("a?c").matches("ac"))
    }
}
