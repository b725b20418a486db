import HTTPTypes

/// Maps a request to its S3 operation and IAM permissions, following the table in
/// wire-semantics §4. Anything not recognised is `NotImplemented` — never authorised as a
/// look-alike (fakes3pp authorised `PUT ?acl` as `PutObject`).
enum S3RequestClassifier {
    /// Query parameters that select a different operation. Any of these we do not handle makes
    /// the request `NotImplemented`.
    static let subresources: Set<String> = [
        "accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption", "intelligent-tiering",
        "inventory", "legal-hold", "lifecycle", "location", "logging", "metrics", "notification", "object-lock",
        "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment",
        "restore", "retention", "select", "tagging", "torrent", "uploadId", "uploads", "versioning", "versions",
        "website", "renameObject", "session",
    ]

    static func classify(method: HTTPRequest.Method, target: RequestTarget, headers: HTTPFields) throws(S3Error) -> S3Operation {
        let (bucket, key) = try target.pathStyleAddress()
        let present = Set(target.query.map(\.name)).intersection(subresources)

        guard let bucket else {
            guard method == .get, present.isEmpty else { throw .notImplemented("\(method) on the service endpoint") }
            return S3Operation(
                name: .listBuckets, bucket: nil, key: nil,
                permissions: [.init(action: "s3:ListAllMyBuckets", resource: "*")], conditionValues: [:])
        }
        guard let key else { return try classifyBucket(method: method, bucket: bucket, present: present, target: target) }
        return try classifyObject(method: method, bucket: bucket, key: key, present: present, target: target, headers: headers)
    }

    private static func classifyBucket(
        method: HTTPRequest.Method, bucket: String, present: Set<String>, target: RequestTarget
    ) throws(S3Error) -> S3Operation {
        let arn = S3Operation.bucketARN(bucket)
        func op(_ name: S3Operation.Name, _ action: String, _ conditions: [String: [String]] = [:]) -> S3Operation {
            S3Operation(name: name, bucket: bucket, key: nil, permissions: [.init(action: action, resource: arn)], conditionValues: conditions)
        }
        switch (method, present) {
        case (.head, []):
            return op(.headBucket, "s3:ListBucket")
        case (.get, []):
            var conditions: [String: [String]] = ["s3:prefix": [target.parameter("prefix") ?? ""]]
            if let delimiter = target.parameter("delimiter") { conditions["s3:delimiter"] = [delimiter] }
            if let maxKeys = target.parameter("max-keys") { conditions["s3:max-keys"] = [maxKeys] }
            let v2 = target.parameter("list-type") == "2"
            return op(v2 ? .listObjectsV2 : .listObjects, "s3:ListBucket", conditions)
        case (.get, ["uploads"]):
            return op(.listMultipartUploads, "s3:ListBucketMultipartUploads")
        case (.get, ["location"]):
            return op(.getBucketLocation, "s3:GetBucketLocation")
        case (.put, []):
            return op(.createBucket, "s3:CreateBucket")
        case (.delete, []):
            return op(.deleteBucket, "s3:DeleteBucket")
        default:
            throw .notImplemented("\(method) on a bucket with \(present.sorted().joined(separator: ", "))")
        }
    }

    private static func classifyObject(
        method: HTTPRequest.Method, bucket: String, key: String, present: Set<String>,
        target: RequestTarget, headers: HTTPFields
    ) throws(S3Error) -> S3Operation {
        let arn = S3Operation.objectARN(bucket, key)
        let versioned = target.has("versionId")
        var conditions: [String: [String]] = [:]
        if let versionID = target.parameter("versionId") { conditions["s3:VersionId"] = [versionID] }
        func op(_ name: S3Operation.Name, _ permissions: [S3Operation.Permission]) -> S3Operation {
            S3Operation(name: name, bucket: bucket, key: key, permissions: permissions, conditionValues: conditions)
        }
        let copySource = headers[HTTPField.Name("x-amz-copy-source")!]
        switch (method, present) {
        case (.get, []), (.head, []):
            let action = versioned ? "s3:GetObjectVersion" : "s3:GetObject"
            return op(method == .get ? .getObject : .headObject, [.init(action: action, resource: arn)])
        case (.get, ["uploadId"]):
            return op(.listParts, [.init(action: "s3:ListMultipartUploadParts", resource: arn)])
        case (.put, []):
            var permissions = [S3Operation.Permission(action: "s3:PutObject", resource: arn)]
            if let copySource {
                permissions.append(try copySourcePermission(copySource, conditions: &conditions))
                if let directive = headers[HTTPField.Name("x-amz-metadata-directive")!] {
                    conditions["s3:x-amz-metadata-directive"] = [directive]
                }
            }
            if headers.contains(where: { $0.name.canonicalName == "x-amz-acl" || $0.name.canonicalName.hasPrefix("x-amz-grant-") }) {
                permissions.append(.init(action: "s3:PutObjectAcl", resource: arn))
            }
            if headers[HTTPField.Name("x-amz-tagging")!] != nil {
                permissions.append(.init(action: "s3:PutObjectTagging", resource: arn))
            }
            return op(copySource == nil ? .putObject : .copyObject, permissions)
        case (.put, ["uploadId"]):
            guard target.has("partNumber") else { throw .invalidRequest("UploadPart requires partNumber") }
            var permissions = [S3Operation.Permission(action: "s3:PutObject", resource: arn)]
            if let copySource { permissions.append(try copySourcePermission(copySource, conditions: &conditions)) }
            return op(copySource == nil ? .uploadPart : .uploadPartCopy, permissions)
        case (.post, ["uploads"]):
            return op(.createMultipartUpload, [.init(action: "s3:PutObject", resource: arn)])
        case (.post, ["uploadId"]):
            return op(.completeMultipartUpload, [.init(action: "s3:PutObject", resource: arn)])
        case (.delete, ["uploadId"]):
            return op(.abortMultipartUpload, [.init(action: "s3:AbortMultipartUpload", resource: arn)])
        case (.delete, []):
            return op(.deleteObject, [.init(action: versioned ? "s3:DeleteObjectVersion" : "s3:DeleteObject", resource: arn)])
        default:
            throw .notImplemented("\(method) on an object with \(present.sorted().joined(separator: ", "))")
        }
    }

    /// `x-amz-copy-source: /bucket/key[?versionId=…]` (URL-encoded; leading slash optional).
    private static func copySourcePermission(_ value: String, conditions: inout [String: [String]]) throws(S3Error) -> S3Operation.Permission {
        conditions["s3:x-amz-copy-source"] = [value]
        var source = Substring(value)
        var versioned = false
        if let question = source.firstIndex(of: "?") {
            versioned = source[source.index(after: question)...].hasPrefix("versionId=")
            source = source[..<question]
        }
        if source.hasPrefix("/") { source = source.dropFirst() }
        guard let decoded = PercentDecoding.decode(source, plusAsSpace: false), let slash = decoded.firstIndex(of: "/"),
            slash != decoded.startIndex, decoded.index(after: slash) != decoded.endIndex
        else {
            throw .invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
                                   name: "x-amz-copy-source", value: value)
        }
        return .init(action: versioned ? "s3:GetObjectVersion" : "s3:GetObject", resource: "arn:aws:s3:::\(decoded)")
    }
}
