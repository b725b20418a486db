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
        Case(.head, "/bkt", .headBucket, ["s3:ListBucket arn:aws:s3:::bkt"]),
        Case(.head, "/bkt/", .headBucket, ["s3:ListBucket arn:aws:s3:::bkt"]),
        Case(.get, "/bkt?list-type=2&prefix=a%2F", .listObjectsV2, ["s3:ListBucket arn:aws:s3:::bkt"]),
        Case(.get, "/bkt", .listObjects, ["s3:ListBucket arn:aws:s3:::bkt"]),
        Case(.get, "/bkt?uploads", .listMultipartUploads, ["s3:ListBucketMultipartUploads arn:aws:s3:::bkt"]),
        Case(.get, "/bkt?location", .getBucketLocation, ["s3:GetBucketLocation arn:aws:s3:::bkt"]),
        Case(.put, "/bkt", .createBucket, ["s3:CreateBucket arn:aws:s3:::bkt"]),
        Case(.delete, "/bkt", .deleteBucket, ["s3:DeleteBucket arn:aws:s3:::bkt"]),
        Case(.get, "/bkt/k", .getObject, ["s3:GetObject arn:aws:s3:::bkt/k"]),
        Case(.get, "/bkt/k?versionId=3", .getObject, ["s3:GetObjectVersion arn:aws:s3:::bkt/k"]),
        Case(.head, "/bkt/dir/../k", .headObject, ["s3:GetObject arn:aws:s3:::bkt/dir/../k"]),
        Case(.get, "/bkt/a//b/", .getObject, ["s3:GetObject arn:aws:s3:::bkt/a//b/"]),
        Case(.get, "/bkt/a%20b%2Bc", .getObject, ["s3:GetObject arn:aws:s3:::bkt/a b+c"]),
        Case(.put, "/bkt/k?x-id=PutObject", .putObject, ["s3:PutObject arn:aws:s3:::bkt/k"]),
        Case(.put, "/bkt/k", .putObject, ["s3:PutObject arn:aws:s3:::bkt/k", "s3:PutObjectAcl arn:aws:s3:::bkt/k"], headers: ["x-amz-acl": "private"]),
        Case(.put, "/bkt/k", .putObject, ["s3:PutObject arn:aws:s3:::bkt/k", "s3:PutObjectTagging arn:aws:s3:::bkt/k"], headers: ["x-amz-tagging": "a=b"]),
        Case(.put, "/bkt/k", .copyObject, ["s3:PutObject arn:aws:s3:::bkt/k", "s3:GetObject arn:aws:s3:::src/a b"], headers: ["x-amz-copy-source": "/src/a%20b"]),
        Case(.put, "/bkt/k", .copyObject, ["s3:PutObject arn:aws:s3:::bkt/k", "s3:GetObjectVersion arn:aws:s3:::src/x"], headers: ["x-amz-copy-source": "src/x?versionId=1"]),
        Case(.post, "/bkt/k?uploads", .createMultipartUpload, ["s3:PutObject arn:aws:s3:::bkt/k"]),
        Case(.put, "/bkt/k?partNumber=1&uploadId=u", .uploadPart, ["s3:PutObject arn:aws:s3:::bkt/k"]),
        Case(.put, "/bkt/k?partNumber=1&uploadId=u", .uploadPartCopy, ["s3:PutObject arn:aws:s3:::bkt/k", "s3:GetObject arn:aws:s3:::srcb/o"], headers: ["x-amz-copy-source": "srcb/o"]),
        Case(.post, "/bkt/k?uploadId=u", .completeMultipartUpload, ["s3:PutObject arn:aws:s3:::bkt/k"]),
        Case(.delete, "/bkt/k?uploadId=u", .abortMultipartUpload, ["s3:AbortMultipartUpload arn:aws:s3:::bkt/k"]),
        Case(.get, "/bkt/k?uploadId=u", .listParts, ["s3:ListMultipartUploadParts arn:aws:s3:::bkt/k"]),
        Case(.delete, "/bkt/k", .deleteObject, ["s3:DeleteObject arn:aws:s3:::bkt/k"]),
        Case(.delete, "/bkt/k?versionId=1", .deleteObject, ["s3:DeleteObjectVersion arn:aws:s3:::bkt/k"]),
        // Authorised per key from the body; no request-level permission, so nothing is granted by default.
        Case(.post, "/bkt?delete", .deleteObjects, []),
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
        (HTTPRequest.Method.put, "/bkt/k?acl"), (.get, "/bkt/k?tagging"), (.put, "/bkt?policy"), (.get, "/bkt?versioning"),
        (.post, "/bkt/k?delete"), (.post, "/bkt/k"), (.put, "/"), (.get, "/bkt?versions"), (.put, "/bkt/k?tagging"),
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
            method: .get, target: try RequestTarget("/bkt?list-type=2&prefix=home%2Falice%2F&delimiter=%2F&max-keys=5"), headers: [:])
        #expect(op.conditionValues["s3:prefix"] == ["home/alice/"])
        #expect(op.conditionValues["s3:delimiter"] == ["/"])
        #expect(op.conditionValues["s3:max-keys"] == ["5"])
        let bare = try S3RequestClassifier.classify(method: .get, target: try RequestTarget("/bkt"), headers: [:])
        #expect(bare.conditionValues["s3:prefix"] == [""])
    }

    @Test func badCopySourceIsInvalidArgument() {
        var headers = HTTPFields()
        headers[HTTPField.Name("x-amz-copy-source")!] = "nobucketkey"
        #expect(throws: S3Error.self) { try S3RequestClassifier.classify(method: .put, target: try RequestTarget("/bkt/k"), headers: headers) }
    }
}

@Suite struct S3RequestClassifierHardeningTests {
    func classify(_ method: HTTPRequest.Method, _ target: String, _ headers: [(String, String)] = []) throws -> S3Operation {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return try S3RequestClassifier.classify(method: method, target: try RequestTarget(target), headers: fields)
    }

    /// `%2F` in the bucket segment must not turn an object write into a "bucket" operation.
    @Test(arguments: ["/demo%2Freadonly%2Fx.txt", "/a", "/UPPER/k", "/..", "/a..b/k", "/192.168.1.1/k"])
    func invalidBucketNamesAreRefused(target: String) {
        #expect(throws: S3Error.self) { try classify(.put, target) }
    }

    @Test func repeatedQueryParametersAreRefused() {
        #expect(throws: S3Error.self) { try RequestTarget("/bkt?list-type=2&prefix=alice/&prefix=") }
    }

    @Test func headersAddTheActionsAWSRequires() throws {
        let upload = try classify(.post, "/bkt/k?uploads", [("x-amz-acl", "public-read"), ("x-amz-tagging", "a=b")])
        #expect(upload.permissions.map(\.action) == ["s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging"])
        #expect(upload.conditionValues["s3:x-amz-acl"] == ["public-read"])
        #expect(upload.conditionValues["s3:RequestObjectTag/a"] == ["b"])
        #expect(upload.conditionValues["s3:RequestObjectTagKeys"] == ["a"])
        let bucket = try classify(.put, "/bkt", [("x-amz-acl", "private"), ("x-amz-object-ownership", "BucketOwnerEnforced")])
        #expect(bucket.permissions.map(\.action) == ["s3:CreateBucket", "s3:PutBucketAcl", "s3:PutBucketOwnershipControls"])
        let delete = try classify(.delete, "/bkt/k", [("x-amz-bypass-governance-retention", "true")])
        #expect(delete.permissions.map(\.action) == ["s3:DeleteObject", "s3:BypassGovernanceRetention"])
        let put = try classify(.put, "/bkt/k", [("x-amz-server-side-encryption", "AES256"), ("x-amz-storage-class", "GLACIER")])
        #expect(put.conditionValues["s3:x-amz-server-side-encryption"] == ["AES256"])
        #expect(put.conditionValues["s3:x-amz-storage-class"] == ["GLACIER"])
    }

    @Test func copySourceIsParsedStrictly() throws {
        let copy = try classify(.put, "/bkt/k", [("x-amz-copy-source", "/src/a%3Fb?versionId=v1")])
        #expect(copy.copySource == S3Operation.CopySource(bucket: "src", key: "a?b", versionID: "v1"))
        #expect(copy.permissions.last == S3Operation.Permission(action: "s3:GetObjectVersion", resource: "arn:aws:s3:::src/a?b"))
        for bad in ["/src/k?acl", "/src/k?versionId=", "/s/k", "/src/", "nokey"] {
            #expect(throws: S3Error.self, "\(bad)") { try classify(.put, "/bkt/k", [("x-amz-copy-source", bad)]) }
        }
        #expect(throws: S3Error.self) {
            try classify(.put, "/bkt/k", [("x-amz-copy-source", "/src/a"), ("x-amz-copy-source", "/victim/k")])
        }
    }
}
