#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The parts of a multipart upload as `ListParts` pages them.
struct ListPartsResult: Sendable, Equatable {
    var key: String
    var uploadId: String
    var parts: [PartInfo]
    var partNumberMarker: Int
    /// Last part number returned, when truncated.
    var nextPartNumberMarker: Int?
    var maxParts: Int
    var isTruncated: Bool
    /// For `<StorageClass>` and initiator fields in the XML; the store has one owner.
    var initiated: Date
}

/// One entry of a CompleteMultipartUpload request body.
struct CompletedPart: Sendable, Equatable {
    var partNumber: Int
    /// As the client sent it, quoted or not.
    var etag: String
}

/// The multipart upload state kept in `uploads/<uploadId>/upload.json`.
struct FSUploadRecord: Codable, Sendable {
    var key: String
    var metadata: ObjectMetadata
    var initiatedMillis: Int64

    var initiated: Date { Date(timeIntervalSince1970: Double(initiatedMillis) / 1000) }
}
