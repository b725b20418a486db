import HTTPTypes
import Shared

/// Flexible checksums (`x-amz-checksum-*`) on the filesystem backend: which one a write stores,
/// and when a read returns it.
extension FilesystemBackend {
    static let checksumModeHeader = HTTPField.Name("x-amz-checksum-mode")!
    static let checksumTypeHeader = HTTPField.Name("x-amz-checksum-type")!
    static let checksumAlgorithmHeader = HTTPField.Name("x-amz-checksum-algorithm")!

    /// The checksum the client sent with this body, header or trailer. The body verifies it as
    /// it streams (a mismatch throws `BadDigest` before the store publishes anything), so the store
    /// only has to read the value once the body has ended.
    static func checksumSource(of body: BackendRequestBody) -> ChecksumSource {
        if let checksum = body.checksum {
            let value = checksum.base64
            return .verified(checksum.algorithm, value: { value })
        }
        if let trailer = body.trailerChecksum {
            let (algorithm, trailers) = (trailer.algorithm, trailer.trailers)
            return .verified(algorithm, value: { trailers.value(named: algorithm.headerName) })
        }
        return .none
    }

    /// CopyObject's checksum: the algorithm the request names (`x-amz-checksum-algorithm`), else
    /// the source's, recomputed over the copied bytes (a composite source becomes a full-object
    /// checksum of one part, as in S3).
    static func copyChecksum(_ headers: HTTPFields, source: ObjectInfo) throws -> ChecksumSource {
        if let name = headers[checksumAlgorithmHeader] {
            guard let algorithm = ChecksumAlgorithm(sdkName: name.trimmingASCIIWhitespace()) else {
                throw S3Error.invalidRequest(
                    "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
            }
            return .compute(algorithm)
        }
        return source.checksum?.algorithm.map { .compute($0) } ?? .none
    }

    /// `x-amz-checksum-<algorithm>` and `x-amz-checksum-type` of a stored checksum.
    static func addChecksumHeaders(_ checksum: ObjectChecksum?, to headers: inout HTTPFields, includeType: Bool = true) {
        guard let checksum, let name = HTTPField.Name("x-amz-checksum-" + checksum.algorithmName) else { return }
        headers[name] = checksum.value
        if includeType { headers[checksumTypeHeader] = checksum.type.rawValue }
    }

    /// S3 returns the stored checksum on GET and HEAD only when asked (`x-amz-checksum-mode:
    /// ENABLED`), and never with a range: it is the whole object's, and botocore fails a ranged
    /// GET that carries one.
    static func returnsChecksum(_ headers: HTTPFields, ranged: Bool) -> Bool {
        !ranged && headers[checksumModeHeader]?.trimmingASCIIWhitespace().uppercased() == "ENABLED"
    }

    /// The checksum elements of `CopyObjectResult` / `CopyPartResult`.
    static func checksumElements(_ checksum: ObjectChecksum?, includeType: Bool) -> String {
        guard let checksum else { return "" }
        var xml = includeType ? S3XML.element("ChecksumType", checksum.type.rawValue) : ""
        xml += S3XML.element(checksum.elementName, checksum.value)
        return xml
    }
}
