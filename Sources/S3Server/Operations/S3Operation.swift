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

    /// Whether the request carries a body the backend consumes.
    var hasRequestBody: Bool {
        switch name {
        case .putObject, .uploadPart, .completeMultipartUpload, .createBucket, .deleteObjects: true
        default: false
        }
    }

    static func bucketARN(_ bucket: String) -> String { "arn:aws:s3:::\(bucket)" }
    static func objectARN(_ bucket: String, _ key: String) -> String { "arn:aws:s3:::\(bucket)/\(key)" }
}
