#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the store knows about one stored object: the answer to HEAD, and a listing entry.
struct ObjectInfo: Sendable, Equatable {
    /// The object key, exactly as the client sent it (any UTF-8).
    var key: String
    /// Payload size in bytes.
    var size: Int64
    /// The ETag *with* its double quotes, as S3 sends it: `"<md5 hex>"` for a single PUT,
    /// `"<md5 hex of the part md5s>-<N>"` for a completed multipart upload.
    var etag: String
    /// Millisecond precision, as listings show; the HTTP `Last-Modified` header drops the millis.
    var lastModified: Date
    var metadata: ObjectMetadata
    /// Number of parts for a multipart object, `nil` for a single PUT.
    var partsCount: Int?
    /// For a multipart object, each part's size, in order (nil when not recorded).
    var partSizes: [Int64]? = nil
    /// The stored flexible checksum, returned when the client asks (`x-amz-checksum-mode`).
    var checksum: ObjectChecksum? = nil
}

/// A bucket in `ListAllMyBucketsResult`.
struct BucketInfo: Sendable, Equatable {
    var name: String
    var creationDate: Date
}

/// A multipart part as `ListParts` reports it.
struct PartInfo: Sendable, Equatable {
    var partNumber: Int
    /// Quoted, `"<md5 hex>"`.
    var etag: String
    var size: Int64
    var lastModified: Date
    var checksum: ObjectChecksum? = nil
}

/// An in-progress multipart upload as `ListMultipartUploads` reports it.
struct MultipartUploadInfo: Sendable, Equatable {
    var key: String
    var uploadId: String
    var initiated: Date
    var checksum: UploadChecksumSettings? = nil
}

/// The owner printed in listings. The filesystem backend is single-tenant, so one fixed owner.
struct S3Owner: Sendable, Equatable {
    var id: String
    var displayName: String

    static let `default` = S3Owner(
        id: "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a",
        displayName: "portcullis"
    )
}
