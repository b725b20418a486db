import HTTPTypes
import Testing

@testable import S3Server

@Suite struct VirtualHostResolverTests {
    let resolver = VirtualHostResolver(baseDomains: ["s3.example.com", "example.com", "s3.eu.example.com"])

    @Test(arguments: [
        ("bucket.s3.example.com", "bucket"),
        ("bucket.s3.example.com:8443", "bucket"),
        ("Bucket.S3.Example.com.", "bucket"),
        ("my.dotted.bucket.s3.example.com", "my.dotted.bucket"),
        ("logs.s3.eu.example.com", "logs"),  // the longest base domain wins
        ("data.example.com", "data"),
    ])
    func virtualHostedHosts(authority: String, bucket: String) throws {
        #expect(try resolver.bucket(forAuthority: authority) == bucket)
    }

    @Test(arguments: ["s3.example.com", "s3.example.com:80", "127.0.0.1:8080", "[::1]:8080", "portcullis.internal", "example.org"])
    func pathStyleHosts(authority: String) throws {
        #expect(try resolver.bucket(forAuthority: authority) == nil)
    }

    @Test func invalidBucketInHostIsRefused() {
        #expect(throws: S3Error.self) { try resolver.bucket(forAuthority: "a_b.s3.example.com") }
    }

    @Test func noBaseDomainsMeansPathStyle() throws {
        #expect(try VirtualHostResolver(baseDomains: []).bucket(forAuthority: "bucket.s3.example.com") == nil)
    }

    @Test func virtualHostedRequestsClassifyOnTheHostBucket() throws {
        let object = try S3RequestClassifier.classify(method: .get, target: try RequestTarget("/dir//a%20b"), headers: [:], virtualBucket: "bkt")
        #expect(object.name == .getObject)
        #expect(object.permissions.first?.resource == "arn:aws:s3:::bkt/dir//a b")
        let list = try S3RequestClassifier.classify(method: .get, target: try RequestTarget("/?list-type=2"), headers: [:], virtualBucket: "bkt")
        #expect(list.name == .listObjectsV2)
        #expect(list.bucket == "bkt")
    }
}
