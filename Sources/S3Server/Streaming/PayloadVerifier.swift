import Crypto
import NIOCore
import Shared

/// Checks a request body against what the client signed (and its `Content-MD5`) while the body
/// streams, and holds back the last buffer until the checks have passed.
///
/// Because the final bytes are released only after the SHA-256 (and length) matched, a backend
/// that receives a `Content-Length` body never sees a complete body that fails the check, so it
/// cannot commit a corrupt object. The struct only decides; the caller moves the bytes.
struct PayloadVerifier {
    enum Expectation {
        /// `UNSIGNED-PAYLOAD`: only the length is checked.
        case unsigned
        /// A hex SHA-256 the body must hash to (lowercase, 64 characters).
        case sha256(String)

        /// The signed hex digest, if any.
        var sha256: String? {
            if case .sha256(let hex) = self { return hex }
            return nil
        }
    }

    enum Failure: Error, Equatable {
        case sha256Mismatch
        case md5Mismatch
        case checksumMismatch(ChecksumAlgorithm)
        case tooShort
        case tooLong
    }

    private let expectation: Expectation
    private let expectedLength: Int64?
    /// The decoded `Content-MD5`, when the client sent one.
    private let expectedMD5: [UInt8]?
    /// A flexible checksum (`x-amz-checksum-*`) and the base64 value it must end with.
    private var checksum: StreamingChecksum?
    private let expectedChecksum: [UInt8]?
    private var hasher = SHA256()
    private var md5 = Insecure.MD5()
    private var received: Int64 = 0
    private var pending: ByteBuffer?

    /// - Parameters:
    ///   - checksum: a checksum header the body must match.
    ///   - trailerChecksum: the algorithm of a checksum that arrives as a trailer; its value is
    ///     handed to `finish(trailerChecksum:)`.
    init(
        expectation: Expectation, expectedLength: Int64?, expectedMD5: [UInt8]? = nil,
        checksum: (algorithm: ChecksumAlgorithm, base64: String)? = nil, trailerChecksum: ChecksumAlgorithm? = nil
    ) {
        self.expectation = expectation
        self.expectedLength = expectedLength
        self.expectedMD5 = expectedMD5
        self.checksum = (checksum?.algorithm ?? trailerChecksum).map { StreamingChecksum($0) }
        self.expectedChecksum = checksum.flatMap { Base64URL.decodeStandard($0.base64) }
    }

    /// Takes the next buffer; returns the buffer that may now be released downstream.
    mutating func receive(_ buffer: ByteBuffer) throws(Failure) -> ByteBuffer? {
        // An empty buffer must not push the held-back tail out.
        if buffer.readableBytes == 0 { return nil }
        received += Int64(buffer.readableBytes)
        if let expectedLength, received > expectedLength { throw .tooLong }
        if case .sha256 = expectation {
            buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        }
        if expectedMD5 != nil {
            buffer.withUnsafeReadableBytes { md5.update(bufferPointer: $0) }
        }
        if checksum != nil {
            buffer.withUnsafeReadableBytes { checksum!.update($0) }
        }
        let release = pending
        pending = buffer
        return release
    }

    /// The body ended: verifies and returns the held-back tail, or throws.
    mutating func finish(trailerChecksum: String? = nil) throws(Failure) -> ByteBuffer? {
        if let expectedLength, received != expectedLength { throw received < expectedLength ? .tooShort : .tooLong }
        if case .sha256(let expected) = expectation {
            let digest = hasher.finalize()
            guard Hex.encode(digest) == expected else { throw .sha256Mismatch }
        }
        if let expectedMD5 {
            guard Array(md5.finalize()) == expectedMD5 else { throw .md5Mismatch }
        }
        if let checksum {
            let expected = expectedChecksum ?? trailerChecksum.flatMap { Base64URL.decodeStandard($0) }
            // A trailer checksum that did not arrive, or is not base64, cannot match.
            guard let expected, checksum.finalize() == expected else { throw .checksumMismatch(checksum.algorithm) }
        }
        defer { pending = nil }
        return pending
    }
}
