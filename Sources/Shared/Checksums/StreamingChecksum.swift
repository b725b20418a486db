import Crypto

/// A running S3 flexible checksum, fed as a request or response body streams through.
///
/// A value type: copying it forks the computation, so one stream can be checksummed up to a point and
/// then continued in two directions. `finalize()` and `base64()` do not consume the state; further
/// updates may follow.
///
/// ```swift
/// var checksum = StreamingChecksum(.crc32)
/// for chunk in body { chunk.withUnsafeReadableBytes { checksum.update($0) } }
/// if checksum.base64() != headers["x-amz-checksum-crc32"] { throw BadDigest() }
/// ```
///
/// Values are compared by S3 as the base64 of the big-endian digest
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
public struct StreamingChecksum: Sendable {
    private enum Backing: Sendable {
        case crc32(UInt32)
        case crc32c(UInt32)
        case crc64nvme(UInt64)
        case sha1(Insecure.SHA1)
        case sha256(SHA256)
    }

    private var backing: Backing

    /// The algorithm this checksum computes.
    public let algorithm: ChecksumAlgorithm

    /// Starts a checksum over an empty stream.
    /// - Parameters:
    ///   - algorithm: the algorithm to compute.
    public init(_ algorithm: ChecksumAlgorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .crc32: backing = .crc32(0)
        case .crc32c: backing = .crc32c(0)
        case .crc64nvme: backing = .crc64nvme(0)
        case .sha1: backing = .sha1(Insecure.SHA1())
        case .sha256: backing = .sha256(SHA256())
        }
    }

    /// Feeds the next bytes of the stream.
    /// - Parameters:
    ///   - bytes: the bytes, of any length and alignment; only read during the call.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch backing {
        case .crc32(let crc):
            backing = .crc32(ChecksumCRC.update32(crc, bytes, tables: ChecksumCRC.crc32Tables))
        case .crc32c(let crc):
            backing = .crc32c(ChecksumCRC.update32(crc, bytes, tables: ChecksumCRC.crc32cTables))
        case .crc64nvme(let crc):
            backing = .crc64nvme(ChecksumCRC.update64(crc, bytes))
        case .sha1(var hasher):
            // Release the enum's reference first so the hasher's storage stays uniquely referenced.
            backing = .crc32(0)
            hasher.update(bufferPointer: bytes)
            backing = .sha1(hasher)
        case .sha256(var hasher):
            backing = .crc32(0)
            hasher.update(bufferPointer: bytes)
            backing = .sha256(hasher)
        }
    }

    /// Feeds the next bytes of the stream from any byte sequence (`[UInt8]`, `ArraySlice`, `String.UTF8View`…).
    ///
    /// Contiguous collections are read in place; other sequences are first copied into an array.
    /// - Parameters:
    ///   - bytes: the bytes.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// The digest of the bytes so far, big-endian: 4 bytes for CRC32 and CRC32C, 8 for CRC64NVME,
    /// 20 for SHA1, 32 for SHA256.
    /// - Returns: the digest bytes.
    public func finalize() -> [UInt8] {
        switch backing {
        case .crc32(let crc), .crc32c(let crc):
            return [
                UInt8(truncatingIfNeeded: crc >> 24), UInt8(truncatingIfNeeded: crc >> 16),
                UInt8(truncatingIfNeeded: crc >> 8), UInt8(truncatingIfNeeded: crc),
            ]
        case .crc64nvme(let crc):
            return (0..<8).map { UInt8(truncatingIfNeeded: crc >> (56 - 8 * UInt64($0))) }
        case .sha1(let hasher):
            return Array(hasher.finalize())
        case .sha256(let hasher):
            return Array(hasher.finalize())
        }
    }

    /// The value S3 sends and expects in `x-amz-checksum-*` headers and trailers: ``finalize()``
    /// in standard, padded base64 (`DUoRhQ==` for CRC32 of `hello world`).
    /// - Returns: the base64 text.
    public func base64() -> String {
        Base64.encode(finalize())
    }
}
