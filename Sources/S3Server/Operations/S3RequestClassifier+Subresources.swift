import HTTPTypes
import Shared

/// The sub-resource operations (`?tagging`, `?acl`, `?versioning`, …) as one table, so that each
/// mapping can be read against AWS's "Actions defined by Amazon S3" list line by line.
///
/// Every action here was checked against the AWS API reference page of the operation (its
/// "permissions" paragraph) or the service authorization reference. Note the deletes that AWS
/// authorises with the *Put* action (DeleteBucketTagging, DeleteBucketCors, DeleteBucketLifecycle,
/// DeleteBucketEncryption, DeletePublicAccessBlock, DeleteBucketOwnershipControls): there is no
/// `s3:DeleteBucketTagging` action, and a policy written for AWS must behave the same here.
/// Sub-resources missing from the table (`?torrent`, `?select`, `?restore`, `?replication`,
/// analytics/inventory/metrics/intelligent-tiering, …) stay `NotImplemented`.
extension S3RequestClassifier {
    enum Level: Sendable { case bucket, object }

    struct SubresourceKey: Hashable, Sendable {
        let method: HTTPRequest.Method
        let subresource: String
        let level: Level
    }

    /// What one (method, sub-resource, level) means.
    struct SubresourceRule: Sendable {
        let name: S3Operation.Name
        /// Every one of these must be allowed, on the bucket or object ARN.
        let actions: [String]
        /// With `?versionId=` (objects only): these instead, as AWS has `…Version…` twins.
        let versionActions: [String]?
    }

    static let subresourceRules: [SubresourceKey: SubresourceRule] = {
        typealias Row = (HTTPRequest.Method, String, Level, S3Operation.Name, [String], [String]?)
        let object: [Row] = [
            (.get, "tagging", .object, .getObjectTagging, ["s3:GetObjectTagging"], ["s3:GetObjectVersionTagging"]),
            (.put, "tagging", .object, .putObjectTagging, ["s3:PutObjectTagging"], ["s3:PutObjectVersionTagging"]),
            (.delete, "tagging", .object, .deleteObjectTagging, ["s3:DeleteObjectTagging"], ["s3:DeleteObjectVersionTagging"]),
            (.get, "acl", .object, .getObjectAcl, ["s3:GetObjectAcl"], ["s3:GetObjectVersionAcl"]),
            (.put, "acl", .object, .putObjectAcl, ["s3:PutObjectAcl"], ["s3:PutObjectVersionAcl"]),
            (.get, "attributes", .object, .getObjectAttributes, ["s3:GetObject", "s3:GetObjectAttributes"],
             ["s3:GetObjectVersion", "s3:GetObjectVersionAttributes"]),
            // Retention and legal hold have no Version twins; `s3:VersionId` still reaches conditions.
            (.get, "retention", .object, .getObjectRetention, ["s3:GetObjectRetention"], nil),
            (.put, "retention", .object, .putObjectRetention, ["s3:PutObjectRetention"], nil),
            (.get, "legal-hold", .object, .getObjectLegalHold, ["s3:GetObjectLegalHold"], nil),
            (.put, "legal-hold", .object, .putObjectLegalHold, ["s3:PutObjectLegalHold"], nil),
        ]
        let bucket: [Row] = [
            (.get, "versions", .bucket, .listObjectVersions, ["s3:ListBucketVersions"], nil),
            (.get, "tagging", .bucket, .getBucketTagging, ["s3:GetBucketTagging"], nil),
            (.put, "tagging", .bucket, .putBucketTagging, ["s3:PutBucketTagging"], nil),
            (.delete, "tagging", .bucket, .deleteBucketTagging, ["s3:PutBucketTagging"], nil),
            (.get, "acl", .bucket, .getBucketAcl, ["s3:GetBucketAcl"], nil),
            (.put, "acl", .bucket, .putBucketAcl, ["s3:PutBucketAcl"], nil),
            (.get, "versioning", .bucket, .getBucketVersioning, ["s3:GetBucketVersioning"], nil),
            (.put, "versioning", .bucket, .putBucketVersioning, ["s3:PutBucketVersioning"], nil),
            (.get, "policy", .bucket, .getBucketPolicy, ["s3:GetBucketPolicy"], nil),
            (.put, "policy", .bucket, .putBucketPolicy, ["s3:PutBucketPolicy"], nil),
            (.delete, "policy", .bucket, .deleteBucketPolicy, ["s3:DeleteBucketPolicy"], nil),
            (.get, "policyStatus", .bucket, .getBucketPolicyStatus, ["s3:GetBucketPolicyStatus"], nil),
            (.get, "cors", .bucket, .getBucketCors, ["s3:GetBucketCORS"], nil),
            (.put, "cors", .bucket, .putBucketCors, ["s3:PutBucketCORS"], nil),
            (.delete, "cors", .bucket, .deleteBucketCors, ["s3:PutBucketCORS"], nil),
            (.get, "lifecycle", .bucket, .getBucketLifecycleConfiguration, ["s3:GetLifecycleConfiguration"], nil),
            (.put, "lifecycle", .bucket, .putBucketLifecycleConfiguration, ["s3:PutLifecycleConfiguration"], nil),
            (.delete, "lifecycle", .bucket, .deleteBucketLifecycle, ["s3:PutLifecycleConfiguration"], nil),
            (.get, "encryption", .bucket, .getBucketEncryption, ["s3:GetEncryptionConfiguration"], nil),
            (.put, "encryption", .bucket, .putBucketEncryption, ["s3:PutEncryptionConfiguration"], nil),
            (.delete, "encryption", .bucket, .deleteBucketEncryption, ["s3:PutEncryptionConfiguration"], nil),
            (.get, "publicAccessBlock", .bucket, .getPublicAccessBlock, ["s3:GetBucketPublicAccessBlock"], nil),
            (.put, "publicAccessBlock", .bucket, .putPublicAccessBlock, ["s3:PutBucketPublicAccessBlock"], nil),
            (.delete, "publicAccessBlock", .bucket, .deletePublicAccessBlock, ["s3:PutBucketPublicAccessBlock"], nil),
            (.get, "ownershipControls", .bucket, .getBucketOwnershipControls, ["s3:GetBucketOwnershipControls"], nil),
            (.put, "ownershipControls", .bucket, .putBucketOwnershipControls, ["s3:PutBucketOwnershipControls"], nil),
            (.delete, "ownershipControls", .bucket, .deleteBucketOwnershipControls, ["s3:PutBucketOwnershipControls"], nil),
            (.get, "object-lock", .bucket, .getObjectLockConfiguration, ["s3:GetBucketObjectLockConfiguration"], nil),
            (.put, "object-lock", .bucket, .putObjectLockConfiguration, ["s3:PutBucketObjectLockConfiguration"], nil),
            (.get, "website", .bucket, .getBucketWebsite, ["s3:GetBucketWebsite"], nil),
            (.put, "website", .bucket, .putBucketWebsite, ["s3:PutBucketWebsite"], nil),
            (.delete, "website", .bucket, .deleteBucketWebsite, ["s3:DeleteBucketWebsite"], nil),
            (.get, "logging", .bucket, .getBucketLogging, ["s3:GetBucketLogging"], nil),
            (.put, "logging", .bucket, .putBucketLogging, ["s3:PutBucketLogging"], nil),
            (.get, "notification", .bucket, .getBucketNotificationConfiguration, ["s3:GetBucketNotification"], nil),
            (.put, "notification", .bucket, .putBucketNotificationConfiguration, ["s3:PutBucketNotification"], nil),
            (.get, "requestPayment", .bucket, .getBucketRequestPayment, ["s3:GetBucketRequestPayment"], nil),
            (.put, "requestPayment", .bucket, .putBucketRequestPayment, ["s3:PutBucketRequestPayment"], nil),
            (.get, "accelerate", .bucket, .getBucketAccelerateConfiguration, ["s3:GetAccelerateConfiguration"], nil),
            (.put, "accelerate", .bucket, .putBucketAccelerateConfiguration, ["s3:PutAccelerateConfiguration"], nil),
        ]
        var rules: [SubresourceKey: SubresourceRule] = [:]
        for (method, subresource, level, name, actions, versionActions) in object + bucket {
            let key = SubresourceKey(method: method, subresource: subresource, level: level)
            precondition(rules[key] == nil, "duplicate sub-resource rule \(method) ?\(subresource)")
            rules[key] = SubresourceRule(name: name, actions: actions, versionActions: versionActions)
        }
        return rules
    }()

    /// The sub-resource names the table knows: exactly the query parameters a proxy may forward
    /// to say which operation it is.
    static var classifiedSubresources: Set<String> { Set(subresourceRules.keys.map(\.subresource)) }

    /// The rule for a request carrying exactly one sub-resource, or `nil`.
    static func subresourceRule(method: HTTPRequest.Method, present: Set<String>, level: Level) -> SubresourceRule? {
        guard present.count == 1, let subresource = present.first else { return nil }
        return subresourceRules[SubresourceKey(method: method, subresource: subresource, level: level)]
    }

    /// A bucket sub-resource operation. ListObjectVersions carries the listing condition keys,
    /// as ListObjects does, so a `s3:prefix` condition cannot be sidestepped through `?versions`.
    static func bucketSubresourceOperation(
        _ rule: SubresourceRule, bucket: String, target: RequestTarget, headers: HTTPFields
    ) -> S3Operation {
        let arn = S3Operation.bucketARN(bucket)
        var conditions = HeaderConditions.values(from: headers)
        if rule.name == .listObjectVersions { conditions.merge(listingConditions(target)) { _, listing in listing } }
        return S3Operation(
            name: rule.name, bucket: bucket, key: nil, permissions: rule.actions.map { .init(action: $0, resource: arn) },
            conditionValues: conditions)
    }

    /// An object sub-resource operation; `conditions` already hold `s3:VersionId` and the header keys.
    static func objectSubresourceOperation(
        _ rule: SubresourceRule, bucket: String, key: String, target: RequestTarget, headers: HTTPFields,
        conditions: [String: [String]]
    ) -> S3Operation {
        let arn = S3Operation.objectARN(bucket, key)
        let actions = target.has("versionId") ? rule.versionActions ?? rule.actions : rule.actions
        var permissions = actions.map { S3Operation.Permission(action: $0, resource: arn) }
        if rule.name == .putObjectRetention, headers[HTTPField.Name("x-amz-bypass-governance-retention")!] != nil {
            // Shortening or lifting a GOVERNANCE retention needs the bypass permission too.
            permissions.append(.init(action: "s3:BypassGovernanceRetention", resource: arn))
        }
        return S3Operation(name: rule.name, bucket: bucket, key: key, permissions: permissions, conditionValues: conditions)
    }

    /// `s3:prefix` (empty when absent, see wire-semantics §4.1), `s3:delimiter`, `s3:max-keys`.
    static func listingConditions(_ target: RequestTarget) -> [String: [String]] {
        var conditions: [String: [String]] = ["s3:prefix": [target.parameter("prefix") ?? ""]]
        if let delimiter = target.parameter("delimiter") { conditions["s3:delimiter"] = [delimiter] }
        if let maxKeys = target.parameter("max-keys") { conditions["s3:max-keys"] = [maxKeys] }
        return conditions
    }
}
