import HTTPTypes
import Shared

/// Maps a request to its S3 operation and IAM permissions, following the table in
/// wire-semantics §4. Anything not recognised is `NotImplemented` — never authorised as a
/// look-alike (fakes3pp authorised `PUT ?acl` as `PutObject`).
enum S3RequestClassifier {
    /// Query parameters that select a different operation. Any of these we do not handle makes
    /// the request `NotImplemented`; those we do are in the sub-resource table
    /// (`S3RequestClassifier+Subresources.swift`) or the switches below.
    static let subresources: Set<String> = [
        "accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption", "intelligent-tiering",
        "inventory", "legal-hold", "lifecycle", "location", "logging", "metrics", "notification", "object-lock",
        "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment",
        "restore", "retention", "select", "tagging", "torrent", "uploadId", "uploads", "versioning", "versions",
        "website", "renameObject", "session",
    ]

    static func classify(
        method: HTTPRequest.Method, target: RequestTarget, headers: HTTPFields, virtualBucket: String? = nil
    ) throws(S3Error) -> S3Operation {
        let (bucket, key) = try target.address(virtualBucket: virtualBucket)
        let present = Set(target.query.map(\.name)).intersection(subresources)

        guard let bucket else {
            guard method == .get, present.isEmpty else { throw .notImplemented("\(method) on the service endpoint") }
            return S3Operation(
                name: .listBuckets, bucket: nil, key: nil,
                permissions: [.init(action: "s3:ListAllMyBuckets", resource: "*")], conditionValues: [:])
        }
        guard let key else { return try classifyBucket(method: method, bucket: bucket, present: present, target: target, headers: headers) }
        return try classifyObject(method: method, bucket: bucket, key: key, present: present, target: target, headers: headers)
    }

    private static func classifyBucket(
        method: HTTPRequest.Method, bucket: String, present: Set<String>, target: RequestTarget, headers: HTTPFields
    ) throws(S3Error) -> S3Operation {
        let arn = S3Operation.bucketARN(bucket)
        func op(_ name: S3Operation.Name, _ action: String, _ conditions: [String: [String]] = [:]) -> S3Operation {
            S3Operation(name: name, bucket: bucket, key: nil, permissions: [.init(action: action, resource: arn)], conditionValues: conditions)
        }
        switch (method, present) {
        case (.head, []):
            return op(.headBucket, "s3:ListBucket")
        case (.get, []):
            let v2 = target.parameter("list-type") == "2"
            return op(v2 ? .listObjectsV2 : .listObjects, "s3:ListBucket", listingConditions(target))
        case (.get, ["uploads"]):
            return op(.listMultipartUploads, "s3:ListBucketMultipartUploads")
        case (.get, ["location"]):
            return op(.getBucketLocation, "s3:GetBucketLocation")
        case (.put, []):
            var permissions = [S3Operation.Permission(action: "s3:CreateBucket", resource: arn)]
            for (header, action) in [
                ("x-amz-acl", "s3:PutBucketAcl"), ("x-amz-object-ownership", "s3:PutBucketOwnershipControls"),
                ("x-amz-bucket-object-lock-enabled", "s3:PutBucketObjectLockConfiguration"),
            ] where headers[HTTPField.Name(header)!] != nil {
                permissions.append(.init(action: action, resource: arn))
            }
            if headers.contains(where: { $0.name.canonicalName.hasPrefix("x-amz-grant-") }),
                !permissions.contains(where: { $0.action == "s3:PutBucketAcl" }) {
                permissions.append(.init(action: "s3:PutBucketAcl", resource: arn))
            }
            return S3Operation(
                name: .createBucket, bucket: bucket, key: nil, permissions: permissions,
                conditionValues: HeaderConditions.values(from: headers))
        case (.delete, []):
            return op(.deleteBucket, "s3:DeleteBucket")
        case (.post, ["delete"]):
            // The keys are in the body: the responder authorises each one once it has read it.
            // No permission here means any request-level evaluation would deny (fail closed).
            return S3Operation(
                name: .deleteObjects, bucket: bucket, key: nil, permissions: [], conditionValues: HeaderConditions.values(from: headers))
        default:
            if let rule = subresourceRule(method: method, present: present, level: .bucket) {
                return bucketSubresourceOperation(rule, bucket: bucket, target: target, headers: headers)
            }
            throw .notImplemented("\(method) on a bucket with \(present.sorted().joined(separator: ", "))")
        }
    }

    private static func classifyObject(
        method: HTTPRequest.Method, bucket: String, key: String, present: Set<String>,
        target: RequestTarget, headers: HTTPFields
    ) throws(S3Error) -> S3Operation {
        let arn = S3Operation.objectARN(bucket, key)
        let versioned = target.has("versionId")
        var conditions = HeaderConditions.values(from: headers)
        if let versionID = target.parameter("versionId") { conditions["s3:VersionId"] = [versionID] }
        func op(_ name: S3Operation.Name, _ permissions: [S3Operation.Permission], copySource: S3Operation.CopySource? = nil) -> S3Operation {
            S3Operation(name: name, bucket: bucket, key: key, permissions: permissions, conditionValues: conditions, copySource: copySource)
        }
        /// Actions that headers of an object write imply, as AWS requires them.
        func writeExtras() -> [S3Operation.Permission] {
            var extras: [S3Operation.Permission] = []
            if headers[HTTPField.Name("x-amz-acl")!] != nil || headers.contains(where: { $0.name.canonicalName.hasPrefix("x-amz-grant-") }) {
                extras.append(.init(action: "s3:PutObjectAcl", resource: arn))
            }
            if headers[HTTPField.Name("x-amz-tagging")!] != nil {
                extras.append(.init(action: "s3:PutObjectTagging", resource: arn))
            }
            if headers[HTTPField.Name("x-amz-object-lock-mode")!] != nil || headers[HTTPField.Name("x-amz-object-lock-retain-until-date")!] != nil {
                extras.append(.init(action: "s3:PutObjectRetention", resource: arn))
            }
            if headers[HTTPField.Name("x-amz-object-lock-legal-hold")!] != nil {
                extras.append(.init(action: "s3:PutObjectLegalHold", resource: arn))
            }
            return extras
        }
        let copySource = try parseCopySource(headers, conditions: &conditions)
        switch (method, present) {
        case (.get, []), (.head, []):
            let action = versioned ? "s3:GetObjectVersion" : "s3:GetObject"
            return op(method == .get ? .getObject : .headObject, [.init(action: action, resource: arn)])
        case (.get, ["uploadId"]):
            return op(.listParts, [.init(action: "s3:ListMultipartUploadParts", resource: arn)])
        case (.put, []):
            var permissions = [S3Operation.Permission(action: "s3:PutObject", resource: arn)]
            if let copySource { permissions.append(copySource.permission) }
            permissions += writeExtras()
            return op(copySource == nil ? .putObject : .copyObject, permissions, copySource: copySource?.source)
        case (.put, ["uploadId"]):
            guard target.has("partNumber") else { throw .invalidRequest("UploadPart requires partNumber") }
            var permissions = [S3Operation.Permission(action: "s3:PutObject", resource: arn)]
            if let copySource { permissions.append(copySource.permission) }
            return op(copySource == nil ? .uploadPart : .uploadPartCopy, permissions, copySource: copySource?.source)
        case (.post, ["uploads"]):
            return op(.createMultipartUpload, [.init(action: "s3:PutObject", resource: arn)] + writeExtras())
        case (.post, ["uploadId"]):
            return op(.completeMultipartUpload, [.init(action: "s3:PutObject", resource: arn)])
        case (.delete, ["uploadId"]):
            return op(.abortMultipartUpload, [.init(action: "s3:AbortMultipartUpload", resource: arn)])
        case (.delete, []):
            var permissions = [S3Operation.Permission(action: versioned ? "s3:DeleteObjectVersion" : "s3:DeleteObject", resource: arn)]
            if headers[HTTPField.Name("x-amz-bypass-governance-retention")!] != nil {
                permissions.append(.init(action: "s3:BypassGovernanceRetention", resource: arn))
            }
            return op(.deleteObject, permissions)
        default:
            if let rule = subresourceRule(method: method, present: present, level: .object) {
                return objectSubresourceOperation(rule, bucket: bucket, key: key, target: target, headers: headers, conditions: conditions)
            }
            throw .notImplemented("\(method) on an object with \(present.sorted().joined(separator: ", "))")
        }
    }

    /// `x-amz-copy-source: /bucket/key[?versionId=…]`: the path part is URL-encoded, the version
    /// query is not. Parsed strictly, because the backend acts on what we forward and the policy
    /// must have seen exactly that: one header, a valid bucket, and nothing but `versionId`.
    private static func parseCopySource(
        _ headers: HTTPFields, conditions: inout [String: [String]]
    ) throws(S3Error) -> (source: S3Operation.CopySource, permission: S3Operation.Permission)? {
        let name = HTTPField.Name("x-amz-copy-source")!
        let values = headers.filter { $0.name == name }.map(\.value)
        guard let value = values.first else { return nil }
        func invalid() -> S3Error {
            .invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", name: "x-amz-copy-source", value: value)
        }
        guard values.count == 1 else { throw invalid() }
        conditions["s3:x-amz-copy-source"] = [value]
        var path = Substring(value)
        var versionID: String?
        if let question = path.firstIndex(of: "?") {
            let query = path[path.index(after: question)...]
            guard query.hasPrefix("versionId="), let decoded = PercentDecoding.decode(query.dropFirst("versionId=".count), plusAsSpace: false),
                !decoded.isEmpty
            else { throw invalid() }
            versionID = decoded
            path = path[..<question]
        }
        if path.hasPrefix("/") { path = path.dropFirst() }
        guard let decoded = PercentDecoding.decode(path, plusAsSpace: false), let slash = decoded.firstIndex(of: "/") else { throw invalid() }
        let bucket = String(decoded[..<slash])
        let key = String(decoded[decoded.index(after: slash)...])
        guard BucketName.isValid(bucket), !key.isEmpty else { throw invalid() }
        let source = S3Operation.CopySource(bucket: bucket, key: key, versionID: versionID)
        let permission = S3Operation.Permission(
            action: versionID == nil ? "s3:GetObject" : "s3:GetObjectVersion", resource: S3Operation.objectARN(bucket, key))
        return (source, permission)
    }
}
