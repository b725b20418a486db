/// A classified S3 request: which operation, on what, and which IAM permissions it needs.
struct S3Operation: Sendable {
    enum Name: String, Sendable {
        case listBuckets = "ListBuckets"
        case headBucket = "HeadBucket"
        case listObjects = "ListObjects"
        case listObjectsV2 = "ListObjectsV2"
        case listMultipartUploads = "ListMultipartUploads"
        case getBucketLocation = "GetBucketLocation"
        case createBucket = "CreateBucket"
        case deleteBucket = "DeleteBucket"
        case getObject = "GetObject"
        case headObject = "HeadObject"
        case putObject = "PutObject"
        case copyObject = "CopyObject"
        case createMultipartUpload = "CreateMultipartUpload"
        case uploadPart = "UploadPart"
        case uploadPartCopy = "UploadPartCopy"
        case completeMultipartUpload = "CompleteMultipartUpload"
        case abortMultipartUpload = "AbortMultipartUpload"
        case listParts = "ListParts"
        case deleteObject = "DeleteObject"
        case deleteObjects = "DeleteObjects"
        // Object sub-resources (`S3RequestClassifier+Subresources.swift`).
        case getObjectTagging = "GetObjectTagging"
        case putObjectTagging = "PutObjectTagging"
        case deleteObjectTagging = "DeleteObjectTagging"
        case getObjectAcl = "GetObjectAcl"
        case putObjectAcl = "PutObjectAcl"
        case getObjectAttributes = "GetObjectAttributes"
        case getObjectRetention = "GetObjectRetention"
        case putObjectRetention = "PutObjectRetention"
        case getObjectLegalHold = "GetObjectLegalHold"
        case putObjectLegalHold = "PutObjectLegalHold"
        // Bucket sub-resources.
        case listObjectVersions = "ListObjectVersions"
        case getBucketTagging = "GetBucketTagging"
        case putBucketTagging = "PutBucketTagging"
        case deleteBucketTagging = "DeleteBucketTagging"
        case getBucketAcl = "GetBucketAcl"
        case putBucketAcl = "PutBucketAcl"
        case getBucketVersioning = "GetBucketVersioning"
        case putBucketVersioning = "PutBucketVersioning"
        case getBucketPolicy = "GetBucketPolicy"
        case putBucketPolicy = "PutBucketPolicy"
        case deleteBucketPolicy = "DeleteBucketPolicy"
        case getBucketPolicyStatus = "GetBucketPolicyStatus"
        case getBucketCors = "GetBucketCors"
        case putBucketCors = "PutBucketCors"
        case deleteBucketCors = "DeleteBucketCors"
        case getBucketLifecycleConfiguration = "GetBucketLifecycleConfiguration"
        case putBucketLifecycleConfiguration = "PutBucketLifecycleConfiguration"
        case deleteBucketLifecycle = "DeleteBucketLifecycle"
        case getBucketEncryption = "GetBucketEncryption"
        case putBucketEncryption = "PutBucketEncryption"
        case deleteBucketEncryption = "DeleteBucketEncryption"
        case getPublicAccessBlock = "GetPublicAccessBlock"
        case putPublicAccessBlock = "PutPublicAccessBlock"
        case deletePublicAccessBlock = "DeletePublicAccessBlock"
        case getBucketOwnershipControls = "GetBucketOwnershipControls"
        case putBucketOwnershipControls = "PutBucketOwnershipControls"
        case deleteBucketOwnershipControls = "DeleteBucketOwnershipControls"
        case getObjectLockConfiguration = "GetObjectLockConfiguration"
        case putObjectLockConfiguration = "PutObjectLockConfiguration"
        case getBucketWebsite = "GetBucketWebsite"
        case putBucketWebsite = "PutBucketWebsite"
        case deleteBucketWebsite = "DeleteBucketWebsite"
        case getBucketLogging = "GetBucketLogging"
        case putBucketLogging = "PutBucketLogging"
        case getBucketNotificationConfiguration = "GetBucketNotificationConfiguration"
        case putBucketNotificationConfiguration = "PutBucketNotificationConfiguration"
        case getBucketRequestPayment = "GetBucketRequestPayment"
        case putBucketRequestPayment = "PutBucketRequestPayment"
        case getBucketAccelerateConfiguration = "GetBucketAccelerateConfiguration"
        case putBucketAccelerateConfiguration = "PutBucketAccelerateConfiguration"
    }

    /// One permission the request needs: every one of them must be allowed.
    struct Permission: Sendable, Equatable {
        let action: String
        let resource: String
    }

    let name: Name
    let bucket: String?
    let key: String?
    let permissions: [Permission]
    /// Operation-specific condition keys (`s3:prefix`, `s3:x-amz-copy-source`, …).
    let conditionValues: [String: [String]]
    /// CopyObject and UploadPartCopy: the source, exactly as authorised.
    var copySource: CopySource? = nil

    /// A parsed `x-amz-copy-source`.
    struct CopySource: Sendable, Equatable {
        let bucket: String
        let key: String
        let versionID: String?
    }

    /// Whether the request carries a body the backend consumes. Every sub-resource PUT sends an
    /// XML document, which must be verified (Content-MD5, checksum, SHA-256) like any upload.
    /// Operations whose authorisation needs their body (keys to delete, tags to set): the
    /// responder authorises them after reading it, never before.
    var isAuthorisedAfterBody: Bool { name == .deleteObjects || name == .putObjectTagging }

    var hasRequestBody: Bool {
        switch name {
        case .putObject, .uploadPart, .completeMultipartUpload, .createBucket, .deleteObjects: true
        case .putObjectTagging, .putObjectAcl, .putObjectRetention, .putObjectLegalHold: true
        case .putBucketTagging, .putBucketAcl, .putBucketVersioning, .putBucketPolicy, .putBucketCors,
            .putBucketLifecycleConfiguration, .putBucketEncryption, .putPublicAccessBlock, .putBucketOwnershipControls,
            .putObjectLockConfiguration, .putBucketWebsite, .putBucketLogging, .putBucketNotificationConfiguration,
            .putBucketRequestPayment, .putBucketAccelerateConfiguration:
            true
        default: false
        }
    }

    static func bucketARN(_ bucket: String) -> String { "arn:aws:s3:::\(bucket)" }
    static func objectARN(_ bucket: String, _ key: String) -> String { "arn:aws:s3:::\(bucket)/\(key)" }
}
