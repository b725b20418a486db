import Shared
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
    /// The upload's checksum algorithm and type, if CreateMultipartUpload named one.
    var checksum: UploadChecksumSettings? = nil
}

/// One entry of a CompleteMultipartUpload request body.
struct CompletedPart: Sendable, Equatable {
    var partNumber: Int
    /// As the client sent it, quoted or not.
    var etag: String
    /// A `<ChecksumCRC32>`… element of the part, which must match the stored part checksum.
    var checksum: ObjectChecksum? = nil
}

/// The multipart upload state kept in `uploads/<uploadId>/upload.json`.
struct FSUploadRecord: Codable, Sendable {
    var key: String
    var metadata: ObjectMetadata
    var initiatedMillis: Int64
    /// `x-amz-checksum-algorithm` raw value (`crc32`…), absent when the upload named none.
    var checksumAlgorithm: String? = nil
    var checksumType: ChecksumType? = nil

    var checksumSettings: UploadChecksumSettings? {
        guard let algorithm = checksumAlgorithm.flatMap(ChecksumAlgorithm.init(rawValue:)) else { return nil }
        return UploadChecksumSettings(algorithm: algorithm, type: checksumType ?? (algorithm == .crc64nvme ? .fullObject : .composite))
    }

    var initiated: Date { Date(timeIntervalSince1970: Double(initiatedMillis) / 1000) }
}
