import HTTPTypes
import Testing

@testable import S3Server

/// The operation table of wire-semantics §4, row by row.
@Suite struct S3RequestClassifierTests {
    struct Case: Sendable, CustomStringConvertible {
        let method: HTTPRequest.Method
        let target: String
        let headers: [String: String]
        let operation: S3Operation.Name
        let permissions: [String]
        init(_ method: HTTPRequest.Method, _ target: String, _ operation: S3Operation.Name, _ permissions: [String], headers: [String: String] = [:]) {
            self.method = method
            self.target = target
            self.operation = operation
            self.permissions = permissions
            self.headers = headers
        }
        var description: String { "\(method) \(target)" }
    }

    static let cases: [Case] = [
        Case(.get, "/", .listBuckets, ["s3:ListAllMyBuckets *"]),
        Case(.head, "/b", .headBucket, ["s3:ListBucket arn:aws:s3:::b"]),
        Case(.head, "/b/", .headBucket, ["s3:ListBucket arn:aws:s3:::b"]),
        Case(.get, "/b?list-type=2&prefix=a%2F", .listObjectsV2, ["s3:ListBucket arn:aws:s3:::b"]),
        Case(.get, "/b", .listObjects, ["s3:ListBucket arn:aws:s3:::b"]),
        Case(.get, "/b?uploads", .listMultipartUploads, ["s3:ListBucketMultipartUploads arn:aws:s3:::b"]),
        Case(.get, "/b?location", .getBucketLocation, ["s3:GetBucketLocation arn:aws:s3:::b"]),
        Case(.put, "/b", .createBucket, ["s3:CreateBucket arn:aws:s3:::b"]),
        Case(.delete, "/b", .deleteBucket, ["s3:DeleteBucket arn:aws:s3:::b"]),
        Case(.get, "/b/k", .getObject, ["s3:GetObject arn:aws:s3:::b/k"]),
        Case(.get, "/b/k?versionId=3", .getObject, ["s3:GetObjectVersion arn:aws:s3:::b/k"]),
        Case(.head, "/b/dir/../k", .headObject, ["s3:GetObject arn:aws:s3:::b/dir/../k"]),
        Case(.get, "/b/a//b/", .getObject, ["s3:GetObject arn:aws:s3:::b/a//b/"]),
        Case(.get, "/b/a%20b%2Bc", .getObject, ["s3:GetObject arn:aws:s3:::b/a b+c"]),
        Case(.put, "/b/k?x-id=PutObject", .putObject, ["s3:PutObject arn:aws:s3:::b/k"]),
        Case(.put, "/b/k", .putObject, ["s3:PutObject arn:aws:s3:::b/k", "s3:PutObjectAcl arn:aws:s3:::b/k"], headers: ["x-amz-acl": "private"]),
        Case(.put, "/b/k", .putObject, ["s3:PutObject arn:aws:s3:::b/k", "s3:PutObjectTagging arn:aws:s3:::b/k"], headers: ["x-amz-tagging": "a=b"]),
        Case(.put, "/b/k", .copyObject, ["s3:PutObject arn:aws:s3:::b/k", "s3:GetObject arn:aws:s3:::src/a b"], headers: ["x-amz-copy-source": "/src/a%20b"]),
        Case(.put, "/b/k", .copyObject, ["s3:PutObject arn:aws:s3:::b/k", "s3:GetObjectVersion arn:aws:s3:::src/x"], headers: ["x-amz-copy-source": "src/x?versionId=1"]),
        Case(.post, "/b/k?uploads", .createMultipartUpload, ["s3:PutObject arn:aws:s3:::b/k"]),
        Case(.put, "/b/k?partNumber=1&uploadId=u", .uploadPart, ["s3:PutObject arn:aws:s3:::b/k"]),
        Case(.put, "/b/k?partNumber=1&uploadId=u", .uploadPartCopy, ["s3:PutObject arn:aws:s3:::b/k", "s3:GetObject arn:aws:s3:::s/o"], headers: ["x-amz-copy-source": "s/o"]),
        Case(.post, "/b/k?uploadId=u", .completeMultipartUpload, ["s3:PutObject arn:aws:s3:::b/k"]),
        Case(.delete, "/b/k?uploadId=u", .abortMultipartUpload, ["s3:AbortMultipartUpload arn:aws:s3:::b/k"]),
        Case(.get, "/b/k?uploadId=u", .listParts, ["s3:ListMultipartUploadParts arn:aws:s3:::b/k"]),
        Case(.delete, "/b/k", .deleteObject, ["s3:DeleteObject arn:aws:s3:::b/k"]),
        Case(.delete, "/b/k?versionId=1", .deleteObject, ["s3:DeleteObjectVersion arn:aws:s3:::b/k"]),
    ]

    @Test(arguments: cases)
    func classifies(_ c: Case) throws {
        var headers = HTTPFields()
        for (name, value) in c.headers { headers[HTTPField.Name(name)!] = value }
        let op = try S3RequestClassifier.classify(method: c.method, target: try RequestTarget(c.target), headers: headers)
        #expect(op.name == c.operation)
        #expect(op.permissions.map { "\($0.action) \($0.resource)" } == c.permissions)
    }

    /// Sub-resources we do not handle are refused, never authorised as a look-alike.
    @Test(arguments: [
        (HTTPRequest.Method.put, "/b/k?acl"), (.get, "/b/k?tagging"), (.put, "/b?policy"), (.get, "/b?versioning"),
        (.post, "/b?delete"), (.post, "/b/k"), (.put, "/"), (.get, "/b?versions"), (.put, "/b/k?tagging"),
    ])
    func unhandledSubresourcesAreNotImplemented(method: HTTPRequest.Method, target: String) throws {
        do {
            _ = try S3RequestClassifier.classify(method: method, target: try RequestTarget(target), headers: [:])
            Issue.record("classified \(method) \(target)")
        } catch {
            #expect(error.code == "NotImplemented")
            #expect(error.status == 501)
        }
    }

    @Test func listingCarriesConditionKeys() throws {
        let op = try S3RequestClassifier.classify(
            method: .get, target: try RequestTarget("/b?list-type=2&prefix=home%2Falice%2F&delimiter=%2F&max-keys=5"), headers: [:])
        #expect(op.conditionValues["s3:prefix"] == ["home/alice/"])
        #expect(op.conditionValues["s3:delimiter"] == ["/"])
        #expect(op.conditionValues["s3:max-keys"] == ["5"])
        let bare = try S3RequestClassifier.classify(method: .get, target: try RequestTarget("/b"), headers: [:])
        #expect(bare.conditionValues["s3:prefix"] == [""])
    }

    @Test func badCopySourceIsInvalidArgument() {
        var headers = HTTPFields()
        headers[HTTPField.Name("x-amz-copy-source")!] = "nobucketkey"
        #expect(throws: S3Error.self) { try S3RequestClassifier.classify(method: .put, target: try RequestTarget("/b/k"), headers: headers) }
    }
}
