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
    ] + objectSubresourceCases + bucketSubresourceCases

    /// Object sub-resources, with and without `versionId` (AWS's …Version… twins).
    static let objectSubresourceCases: [Case] = {
        let o = "arn:aws:s3:::bkt/k"
        return [
            Case(.get, "/bkt/k?tagging", .getObjectTagging, ["s3:GetObjectTagging \(o)"]),
            Case(.get, "/bkt/k?tagging&versionId=v1", .getObjectTagging, ["s3:GetObjectVersionTagging \(o)"]),
            Case(.put, "/bkt/k?tagging", .putObjectTagging, ["s3:PutObjectTagging \(o)"]),
            Case(.put, "/bkt/k?tagging&versionId=v1", .putObjectTagging, ["s3:PutObjectVersionTagging \(o)"]),
            Case(.delete, "/bkt/k?tagging", .deleteObjectTagging, ["s3:DeleteObjectTagging \(o)"]),
            Case(.delete, "/bkt/k?tagging&versionId=v1", .deleteObjectTagging, ["s3:DeleteObjectVersionTagging \(o)"]),
            Case(.get, "/bkt/k?acl", .getObjectAcl, ["s3:GetObjectAcl \(o)"]),
            Case(.get, "/bkt/k?acl&versionId=v1", .getObjectAcl, ["s3:GetObjectVersionAcl \(o)"]),
            Case(.put, "/bkt/k?acl", .putObjectAcl, ["s3:PutObjectAcl \(o)"], headers: ["x-amz-acl": "private"]),
            Case(.put, "/bkt/k?acl&versionId=v1", .putObjectAcl, ["s3:PutObjectVersionAcl \(o)"]),
            Case(.get, "/bkt/k?attributes", .getObjectAttributes, ["s3:GetObject \(o)", "s3:GetObjectAttributes \(o)"]),
            Case(.get, "/bkt/k?attributes&versionId=v1", .getObjectAttributes, ["s3:GetObjectVersion \(o)", "s3:GetObjectVersionAttributes \(o)"]),
            Case(.get, "/bkt/k?retention", .getObjectRetention, ["s3:GetObjectRetention \(o)"]),
            Case(.get, "/bkt/k?retention&versionId=v1", .getObjectRetention, ["s3:GetObjectRetention \(o)"]),
            Case(.put, "/bkt/k?retention", .putObjectRetention, ["s3:PutObjectRetention \(o)"]),
            Case(.put, "/bkt/k?retention", .putObjectRetention, ["s3:PutObjectRetention \(o)", "s3:BypassGovernanceRetention \(o)"],
                 headers: ["x-amz-bypass-governance-retention": "true"]),
            Case(.get, "/bkt/k?legal-hold", .getObjectLegalHold, ["s3:GetObjectLegalHold \(o)"]),
            Case(.put, "/bkt/k?legal-hold&versionId=v1", .putObjectLegalHold, ["s3:PutObjectLegalHold \(o)"]),
        ]
    }()

    /// Bucket sub-resources; several deletes are authorised by the Put action, as in AWS.
    static let bucketSubresourceCases: [Case] = {
        let b = "arn:aws:s3:::bkt"
        let rows: [(HTTPRequest.Method, String, S3Operation.Name, String)] = [
            (.get, "versions", .listObjectVersions, "s3:ListBucketVersions"),
            (.get, "tagging", .getBucketTagging, "s3:GetBucketTagging"),
            (.put, "tagging", .putBucketTagging, "s3:PutBucketTagging"),
            (.delete, "tagging", .deleteBucketTagging, "s3:PutBucketTagging"),
            (.get, "acl", .getBucketAcl, "s3:GetBucketAcl"),
            (.put, "acl", .putBucketAcl, "s3:PutBucketAcl"),
            (.get, "versioning", .getBucketVersioning, "s3:GetBucketVersioning"),
            (.put, "versioning", .putBucketVersioning, "s3:PutBucketVersioning"),
            (.get, "policy", .getBucketPolicy, "s3:GetBucketPolicy"),
            (.put, "policy", .putBucketPolicy, "s3:PutBucketPolicy"),
            (.delete, "policy", .deleteBucketPolicy, "s3:DeleteBucketPolicy"),
            (.get, "policyStatus", .getBucketPolicyStatus, "s3:GetBucketPolicyStatus"),
            (.get, "cors", .getBucketCors, "s3:GetBucketCORS"),
            (.put, "cors", .putBucketCors, "s3:PutBucketCORS"),
            (.delete, "cors", .deleteBucketCors, "s3:PutBucketCORS"),
            (.get, "lifecycle", .getBucketLifecycleConfiguration, "s3:GetLifecycleConfiguration"),
            (.put, "lifecycle", .putBucketLifecycleConfiguration, "s3:PutLifecycleConfiguration"),
            (.delete, "lifecycle", .deleteBucketLifecycle, "s3:PutLifecycleConfiguration"),
            (.get, "encryption", .getBucketEncryption, "s3:GetEncryptionConfiguration"),
            (.put, "encryption", .putBucketEncryption, "s3:PutEncryptionConfiguration"),
            (.delete, "encryption", .deleteBucketEncryption, "s3:PutEncryptionConfiguration"),
            (.get, "publicAccessBlock", .getPublicAccessBlock, "s3:GetBucketPublicAccessBlock"),
            (.put, "publicAccessBlock", .putPublicAccessBlock, "s3:PutBucketPublicAccessBlock"),
            (.delete, "publicAccessBlock", .deletePublicAccessBlock, "s3:PutBucketPublicAccessBlock"),
            (.get, "ownershipControls", .getBucketOwnershipControls, "s3:GetBucketOwnershipControls"),
            (.put, "ownershipControls", .putBucketOwnershipControls, "s3:PutBucketOwnershipControls"),
            (.delete, "ownershipControls", .deleteBucketOwnershipControls, "s3:PutBucketOwnershipControls"),
            (.get, "object-lock", .getObjectLockConfiguration, "s3:GetBucketObjectLockConfiguration"),
            (.put, "object-lock", .putObjectLockConfiguration, "s3:PutBucketObjectLockConfiguration"),
            (.get, "website", .getBucketWebsite, "s3:GetBucketWebsite"),
            (.put, "website", .putBucketWebsite, "s3:PutBucketWebsite"),
            (.delete, "website", .deleteBucketWebsite, "s3:DeleteBucketWebsite"),
            (.get, "logging", .getBucketLogging, "s3:GetBucketLogging"),
            (.put, "logging", .putBucketLogging, "s3:PutBucketLogging"),
            (.get, "notification", .getBucketNotificationConfiguration, "s3:GetBucketNotification"),
            (.put, "notification", .putBucketNotificationConfiguration, "s3:PutBucketNotification"),
            (.get, "requestPayment", .getBucketRequestPayment, "s3:GetBucketRequestPayment"),
            (.put, "requestPayment", .putBucketRequestPayment, "s3:PutBucketRequestPayment"),
            (.get, "accelerate", .getBucketAccelerateConfiguration, "s3:GetAccelerateConfiguration"),
            (.put, "accelerate", .putBucketAccelerateConfiguration, "s3:PutAccelerateConfiguration"),
        ]
        return rows.map { Case($0.0, "/bkt?\($0.1)", $0.2, ["\($0.3) \(b)"]) }
    }()

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
        (HTTPRequest.Method.get, "/bkt/k?torrent"), (.post, "/bkt/k?select&select-type=2"), (.post, "/bkt/k?restore"),
        (.get, "/bkt?replication"), (.get, "/bkt?analytics&id=a"), (.get, "/bkt?inventory"), (.get, "/bkt?metrics"),
        (.get, "/bkt?intelligent-tiering"),
        // Two sub-resources at once: which one would the backend act on?
        (.get, "/bkt/k?tagging&acl"), (.put, "/bkt?versioning&policy"), (.get, "/bkt?versions&uploads"),
        // A sub-resource at the wrong level or with the wrong method.
        (.get, "/bkt/k?versions"), (.get, "/bkt?attributes"), (.get, "/bkt/k?policy"), (.post, "/bkt/k?tagging"),
        (.delete, "/bkt/k?acl"), (.delete, "/bkt?versioning"), (.head, "/bkt?acl"), (.delete, "/bkt?policyStatus"),
        (.post, "/bkt/k?delete"), (.post, "/bkt/k"), (.put, "/"),
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

    @Test func listObjectVersionsCarriesListingConditionKeys() throws {
        let op = try S3RequestClassifier.classify(
            method: .get, target: try RequestTarget("/bkt?versions&prefix=home%2Fbob%2F&max-keys=3"), headers: [:])
        #expect(op.conditionValues["s3:prefix"] == ["home/bob/"])
        #expect(op.conditionValues["s3:max-keys"] == ["3"])
        let bare = try S3RequestClassifier.classify(method: .get, target: try RequestTarget("/bkt?versions"), headers: [:])
        #expect(bare.conditionValues["s3:prefix"] == [""])
    }

    @Test func objectSubresourcesCarryVersionIdAndHeaderConditions() throws {
        var headers = HTTPFields()
        headers[HTTPField.Name("x-amz-acl")!] = "public-read"
        let op = try S3RequestClassifier.classify(method: .put, target: try RequestTarget("/bkt/k?acl&versionId=v7"), headers: headers)
        #expect(op.conditionValues["s3:VersionId"] == ["v7"])
        #expect(op.conditionValues["s3:x-amz-acl"] == ["public-read"])
    }

    /// Sub-resource writes send an XML body, which must be verified and forwarded.
    @Test func subresourceWritesHaveBodiesAndReadsDoNot() throws {
        for c in Self.objectSubresourceCases + Self.bucketSubresourceCases {
            let op = try S3RequestClassifier.classify(method: c.method, target: try RequestTarget(c.target), headers: [:])
            #expect(op.hasRequestBody == (c.method == .put), "\(c)")
        }
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
