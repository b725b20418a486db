import Foundation
import Shared

/// How an object-level checksum relates to the bytes (S3's `x-amz-checksum-type`).
enum ChecksumType: String, Codable, Sendable {
    /// The checksum of the whole object's bytes: every single PUT, and multipart uploads created
    /// with `x-amz-checksum-type: FULL_OBJECT` (the only kind CRC64NVME has).
    case fullObject = "FULL_OBJECT"
    /// A checksum of the parts' checksums, `base64(hash(raw part checksums…))-N`: S3's default for
    /// multipart uploads with CRC32, CRC32C, SHA1 and SHA256.
    case composite = "COMPOSITE"
}

/// A flexible checksum (`x-amz-checksum-*`) stored with an object or a part.
///
/// Stored as the algorithm's raw value and the base64 text S3 returns, so the on-disk record
/// stays readable without the `Shared` enum being `Codable`.
struct ObjectChecksum: Codable, Sendable, Equatable {
    /// `crc32`, `crc32c`, `crc64nvme`, `sha1` or `sha256` (``ChecksumAlgorithm`` raw value).
    var algorithmName: String
    /// Standard padded base64; a composite value ends in `-<part count>`.
    var value: String
    var type: ChecksumType

    init(algorithm: ChecksumAlgorithm, value: String, type: ChecksumType = .fullObject) {
        self.algorithmName = algorithm.rawValue
        self.value = value
        self.type = type
    }

    var algorithm: ChecksumAlgorithm? { ChecksumAlgorithm(rawValue: algorithmName) }

    /// The element name in XML answers: `ChecksumCRC32`, `ChecksumSHA256`…
    var elementName: String { "Checksum" + algorithmName.uppercased() }

    /// The value without a composite's `-N` suffix, as GetObjectAttributes reports it.
    var valueWithoutPartCount: String {
        guard type == .composite, let dash = value.lastIndex(of: "-") else { return value }
        return String(value[..<dash])
    }

    /// The composite checksum of a multipart object: the algorithm applied to the concatenated raw
    /// part checksums, base64, then `-<number of parts>`. `nil` if a part value is not valid base64
    /// of the algorithm's digest length.
    static func composite(algorithm: ChecksumAlgorithm, partValues: [String]) -> ObjectChecksum? {
        var hasher = StreamingChecksum(algorithm)
        for value in partValues {
            guard let raw = Base64.decode(value), raw.count == algorithm.digestByteCount else { return nil }
            raw.withUnsafeBytes { hasher.update($0) }
        }
        return ObjectChecksum(algorithm: algorithm, value: hasher.base64() + "-\(partValues.count)", type: .composite)
    }
}

/// Where the checksum to store with a write comes from.
enum ChecksumSource: Sendable {
    /// No checksum is stored.
    case none
    /// The client sent one (header or aws-chunked trailer) and the request body verified it as it
    /// streamed; `value` reads it once the body has ended (a trailer only exists then).
    case verified(ChecksumAlgorithm, value: @Sendable () -> String?)
    /// The store computes it while the bytes stream (copies, parts sent without one).
    case compute(ChecksumAlgorithm)

    var algorithm: ChecksumAlgorithm? {
        switch self {
        case .none: nil
        case .verified(let algorithm, _), .compute(let algorithm): algorithm
        }
    }
}

/// The checksum settings of a multipart upload, fixed by CreateMultipartUpload.
struct UploadChecksumSettings: Sendable, Equatable {
    var algorithm: ChecksumAlgorithm
    var type: ChecksumType

    /// Parses `x-amz-checksum-algorithm` and `x-amz-checksum-type` as S3 does.
    ///
    /// - Returns: `nil` when neither header is present.
    /// - Throws: `InvalidRequest` for an unknown algorithm, a type without an algorithm, or a
    ///   combination S3 refuses (FULL_OBJECT with SHA, COMPOSITE with CRC64NVME).
    static func parse(algorithm algorithmText: String?, type typeText: String?) throws(S3StoreError) -> UploadChecksumSettings? {
        guard let algorithmText else {
            if typeText != nil {
                throw .invalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
            }
            return nil
        }
        guard let algorithm = ChecksumAlgorithm(sdkName: algorithmText.trimmingCharacters(in: .whitespaces)) else {
            throw .invalidRequest(
                "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
        }
        let type: ChecksumType
        if let typeText {
            guard let parsed = ChecksumType(rawValue: typeText.trimmingCharacters(in: .whitespaces).uppercased()) else {
                throw .invalidRequest("Value for x-amz-checksum-type header is invalid.")
            }
            type = parsed
        } else {
            type = algorithm == .crc64nvme ? .fullObject : .composite
        }
        switch (algorithm, type) {
        case (.sha1, .fullObject), (.sha256, .fullObject), (.crc64nvme, .composite):
            throw .invalidRequest("The \(type.rawValue) checksum type cannot be used with the \(algorithm.sdkName.lowercased()) checksum algorithm.")
        default:
            return UploadChecksumSettings(algorithm: algorithm, type: type)
        }
    }
}
