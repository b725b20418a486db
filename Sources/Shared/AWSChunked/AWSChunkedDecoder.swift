import Crypto
public import NIOCore

/// One trailing header of an `aws-chunked` body, e.g. `x-amz-checksum-crc32:<base64>`.
///
/// `name` is lowercased; `value` has surrounding spaces and tabs removed and is otherwise the
/// client's bytes (decoded as UTF-8). Checking the value (CRC32, CRC64NVME, …) is the caller's job.
public struct AWSChunkedTrailer: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name):\(value)" }
}

/// A byte-level state machine that removes `aws-chunked` framing from an S3 request body and
/// verifies chunk and trailer signatures as the body streams.
///
/// Wire forms (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html):
///
/// ```
/// STREAMING-AWS4-HMAC-SHA256-PAYLOAD            <hex>;chunk-signature=<sig>\r\n<data>\r\n … 0;chunk-signature=<sig>\r\n\r\n
/// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER    … 0;chunk-signature=<sig>\r\n<name>:<value>\r\nx-amz-trailer-signature:<sig>\r\n\r\n
/// STREAMING-UNSIGNED-PAYLOAD-TRAILER            <hex>\r\n<data>\r\n … 0\r\n<name>:<value>\r\n\r\n
/// ```
///
/// The decoder does no I/O: the caller ``feed(_:)``s each body buffer as it arrives and performs
/// the returned ``Output``s, then calls ``finish()`` at end of input. It is tested without sockets.
///
/// ```swift
/// var decoder = AWSChunkedDecoder(mode: .signed(signer), decodedContentLength: 66_560)
/// for try await buffer in body {
///     for output in try decoder.feed(buffer) {
///         switch output {
///         case .data(let bytes): try await forward(bytes)   // still held back, see below
///         case .trailers(let trailers): checkChecksum(trailers)
///         }
///     }
/// }
/// try decoder.finish()
/// ```
///
/// ## Releasing signed data
///
/// Chunk data is emitted **as it arrives**, never buffered: aws-cli sends 1 MiB chunks and a
/// proxy should not hold one per connection. For the signed modes the chunk's SHA-256 is
/// computed incrementally and the `chunk-signature` is checked when the chunk's last byte
/// arrives; on mismatch ``feed(_:)`` throws ``AWSChunkedError/chunkSignatureMismatch(chunkIndex:)``.
/// Data emitted before that point is therefore **not yet authenticated**. This is safe because
/// the S3 layer already holds back the tail of the body and commits the upload only after
/// ``Output/trailers(_:)`` was emitted (the final zero-length chunk and any trailer signature
/// verified) and ``finish()`` returned; a caller that cannot abort a partially forwarded body
/// must buffer each chunk's data itself until the next output or error.
///
/// ## Strictness
///
/// - Chunk sizes are 1–16 hex digits that fit in `Int`; a zero size is the final chunk.
/// - Signed modes need exactly `;chunk-signature=<64 hex>` on every chunk header (the final one
///   too); the unsigned mode accepts no chunk extension at all.
/// - CRLF everywhere: a bare LF or a CR without LF is ``AWSChunkedError/missingCRLF``.
/// - Header lines and the trailer section are bounded by ``Limits``.
/// - Trailers must be those announced in `x-amz-trailer`, each once; in the signed-trailer mode
///   `x-amz-trailer-signature` must be the last trailer line.
/// - Nothing may follow the final CRLF, and the decoded length must equal
///   `x-amz-decoded-content-length` when one was given (an excess is reported as soon as a chunk
///   header announces it).
///
/// After any error the decoder stays failed and rethrows the same error.
public struct AWSChunkedDecoder: Sendable {
    /// Which `x-amz-content-sha256` streaming mode the body uses.
    public enum Mode: Sendable {
        /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: every chunk signed along the chain from the
        /// seed signature held by the signer; no trailers.
        case signed(SigV4ChunkSigner)
        /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: chunks signed, then trailer lines and an
        /// `x-amz-trailer-signature` over `sha256` of the lines as `name:value\n`.
        case signedWithTrailer(SigV4ChunkSigner)
        /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: no chunk or trailer signatures.
        case unsignedWithTrailer
    }

    /// What the caller must do with a fed buffer.
    public enum Output: Sendable, Hashable {
        /// Decoded payload bytes (never framing), in order. A slice of the fed buffer.
        case data(ByteBuffer)
        /// The body ended and everything verified: the trailers in arrival order (empty when
        /// none; `x-amz-trailer-signature` is not included). Emitted exactly once, last.
        case trailers([AWSChunkedTrailer])
    }

    /// Size limits on the framing.
    public struct Limits: Sendable, Hashable {
        /// Longest chunk header line, without its CRLF. A signed header is at most
        /// 16 + 17 + 64 = 97 bytes.
        public var maxChunkHeaderLineLength: Int
        /// Longest trailer section: everything after the final chunk header's CRLF, CRLFs included.
        public var maxTrailerSectionLength: Int

        public init(maxChunkHeaderLineLength: Int = 4096, maxTrailerSectionLength: Int = 16_384) {
            self.maxChunkHeaderLineLength = maxChunkHeaderLineLength
            self.maxTrailerSectionLength = maxTrailerSectionLength
        }

        public static let `default` = Limits()
    }

    private enum State: Sendable {
        /// Reading a chunk header line into `line`.
        case chunkHeader
        /// Inside a chunk's data with `remaining` bytes to go.
        case chunkData(remaining: Int)
        /// Expecting the CR, then the LF, after a chunk's data.
        case chunkDataCR
        case chunkDataLF
        /// Reading trailer lines (after the final zero-length chunk header) into `line`.
        case trailerSection
        case done
        case failed(AWSChunkedError)
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let signaturePrefix: [UInt8] = Array("chunk-signature=".utf8)
    private static let trailerSignatureName = "x-amz-trailer-signature"

    // Configuration.
    private let signsTrailer: Bool
    private let expectedTrailers: [String]
    /// `x-amz-decoded-content-length`, when the client sent it.
    public let decodedContentLength: Int64?
    public let limits: Limits

    // State.
    private var state: State = .chunkHeader
    private var signer: SigV4ChunkSigner?
    private var line: [UInt8] = []
    private var sawCR = false
    private var chunkHasher = SHA256()
    private var chunkSignature = ""
    private var chunkIndex = 0
    private var trailerSectionLength = 0
    private var trailerSignatureSeen = false
    private var receivedTrailers: [AWSChunkedTrailer] = []

    /// Payload bytes emitted so far.
    public private(set) var decodedByteCount: Int64 = 0

    /// Creates a decoder for one request body.
    ///
    /// - Parameters:
    ///   - mode: the streaming mode from `x-amz-content-sha256`, with the chunk signer seeded
    ///     from the request's header signature for the signed modes.
    ///   - expectedTrailers: the names in `x-amz-trailer` (compared case-insensitively). Every
    ///     one must arrive, and no other (`x-amz-trailer-signature` is handled by the mode).
    ///   - decodedContentLength: `x-amz-decoded-content-length`, if present.
    ///   - limits: framing size limits.
    public init(mode: Mode, expectedTrailers: [String] = [], decodedContentLength: Int64? = nil, limits: Limits = .default) {
        switch mode {
        case .signed(let signer):
            self.signer = signer
            self.signsTrailer = false
        case .signedWithTrailer(let signer):
            self.signer = signer
            self.signsTrailer = true
        case .unsignedWithTrailer:
            self.signer = nil
            self.signsTrailer = false
        }
        self.expectedTrailers = expectedTrailers.map { $0.lowercased() }
        self.decodedContentLength = decodedContentLength
        self.limits = limits
    }

    /// Whether the body's final CRLF was consumed and everything verified.
    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Consumes the next piece of the body.
    ///
    /// - Parameter buffer: any number of bytes (zero included), split anywhere.
    /// - Returns: the outputs this piece produced, in order.
    /// - Throws: ``AWSChunkedError``; the decoder then stays failed.
    public mutating func feed(_ buffer: ByteBuffer) throws(AWSChunkedError) -> [Output] {
        if case .failed(let error) = state { throw error }
        var buffer = buffer
        var outputs: [Output] = []
        do throws(AWSChunkedError) {
            try process(&buffer, into: &outputs)
        } catch {
            state = .failed(error)
            throw error
        }
        return outputs
    }

    /// Signals the end of the body.
    ///
    /// - Throws: ``AWSChunkedError/incompleteBody`` if the framing did not end (or the error the
    ///   decoder already failed with).
    public mutating func finish() throws(AWSChunkedError) {
        switch state {
        case .done:
            return
        case .failed(let error):
            throw error
        default:
            state = .failed(.incompleteBody)
            throw .incompleteBody
        }
    }

    // MARK: - Transitions

    private mutating func process(_ buffer: inout ByteBuffer, into outputs: inout [Output]) throws(AWSChunkedError) {
        while buffer.readableBytes > 0 {
            switch state {
            case .chunkHeader:
                if try consumeLine(from: &buffer, inTrailerSection: false) {
                    try endChunkHeader(into: &outputs)
                }

            case .chunkData(let remaining):
                let count = min(remaining, buffer.readableBytes)
                let slice = buffer.readSlice(length: count)!
                if signer != nil {
                    slice.withUnsafeReadableBytes { chunkHasher.update(bufferPointer: $0) }
                }
                decodedByteCount += Int64(count)
                outputs.append(.data(slice))
                if count == remaining {
                    try verifyChunkSignature()
                    state = .chunkDataCR
                } else {
                    state = .chunkData(remaining: remaining - count)
                }

            case .chunkDataCR:
                guard buffer.readInteger(as: UInt8.self) == Self.cr else { throw .missingCRLF }
                state = .chunkDataLF

            case .chunkDataLF:
                guard buffer.readInteger(as: UInt8.self) == Self.lf else { throw .missingCRLF }
                chunkIndex += 1
                state = .chunkHeader

            case .trailerSection:
                if try consumeLine(from: &buffer, inTrailerSection: true) {
                    try endTrailerLine(into: &outputs)
                }

            case .done:
                throw .dataAfterEnd

            case .failed(let error):
                throw error
            }
        }
    }

    /// Moves bytes from `buffer` into `line` up to and including the next CRLF; returns `true`
    /// when the line is complete (the CRLF is consumed but not stored).
    private mutating func consumeLine(from buffer: inout ByteBuffer, inTrailerSection: Bool) throws(AWSChunkedError) -> Bool {
        let view = buffer.readableBytesView
        var index = view.startIndex
        defer { buffer.moveReaderIndex(forwardBy: index - view.startIndex) }
        let maxLength = inTrailerSection ? limits.maxTrailerSectionLength : limits.maxChunkHeaderLineLength
        let tooLong: AWSChunkedError = inTrailerSection ? .trailerSectionTooLong : .chunkHeaderTooLong
        while index < view.endIndex {
            let byte = view[index]
            index += 1
            if inTrailerSection {
                trailerSectionLength += 1
                guard trailerSectionLength <= limits.maxTrailerSectionLength else { throw .trailerSectionTooLong }
            }
            if try consumeLineByte(byte, maxLength: maxLength, tooLong: tooLong) { return true }
        }
        return false
    }

    /// Adds one byte to `line`; returns `true` when it completed the line with CRLF.
    private mutating func consumeLineByte(_ byte: UInt8, maxLength: Int, tooLong: AWSChunkedError) throws(AWSChunkedError) -> Bool {
        if sawCR {
            guard byte == Self.lf else { throw .missingCRLF }
            sawCR = false
            return true
        }
        switch byte {
        case Self.cr:
            sawCR = true
        case Self.lf:
            throw .missingCRLF
        default:
            guard line.count < maxLength else { throw tooLong }
            line.append(byte)
        }
        return false
    }

    private mutating func endChunkHeader(into outputs: inout [Output]) throws(AWSChunkedError) {
        defer { line.removeAll(keepingCapacity: true) }
        let separator = line.firstIndex(of: UInt8(ascii: ";"))
        let size = try Self.parseChunkSize(line[..<(separator ?? line.endIndex)])

        if signer != nil {
            guard let separator else { throw .missingChunkSignature }
            let extensionBytes = line[(separator + 1)...]
            guard extensionBytes.starts(with: Self.signaturePrefix) else { throw .invalidChunkSignatureExtension }
            let signature = String(decoding: extensionBytes.dropFirst(Self.signaturePrefix.count), as: UTF8.self)
            guard Hex.isSHA256Hex(signature) else { throw .invalidChunkSignatureExtension }
            chunkSignature = signature
            chunkHasher = SHA256()
        } else if separator != nil {
            throw .unexpectedChunkExtension
        }

        if let expected = decodedContentLength {
            let (announced, overflow) = decodedByteCount.addingReportingOverflow(Int64(size))
            if overflow || announced > expected {
                throw .decodedLengthMismatch(expected: expected, actual: overflow ? .max : announced)
            }
        }

        if size > 0 {
            state = .chunkData(remaining: size)
            return
        }
        // The final, zero-length chunk: signed in the signed modes, then the trailer section.
        try verifyChunkSignature()
        if let expected = decodedContentLength, expected != decodedByteCount {
            throw .decodedLengthMismatch(expected: expected, actual: decodedByteCount)
        }
        trailerSectionLength = 0
        state = .trailerSection
    }

    private mutating func verifyChunkSignature() throws(AWSChunkedError) {
        guard signer != nil else { return }
        let digest = Hex.encode(chunkHasher.finalize())
        guard signer!.verifyChunk(sha256: digest, signature: chunkSignature) else {
            throw .chunkSignatureMismatch(chunkIndex: chunkIndex)
        }
    }

    /// 1–16 hex digits (either case) that fit in `Int`.
    private static func parseChunkSize(_ digits: ArraySlice<UInt8>) throws(AWSChunkedError) -> Int {
        guard !digits.isEmpty, digits.count <= 16 else { throw .invalidChunkSize }
        var value = 0
        for byte in digits {
            guard let nibble = Hex.nibble(byte) else { throw .invalidChunkSize }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 16)
            guard !overflow else { throw .invalidChunkSize }
            value = shifted | Int(nibble)
        }
        return value
    }

    private mutating func endTrailerLine(into outputs: inout [Output]) throws(AWSChunkedError) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            try endTrailerSection(into: &outputs)
            return
        }
        if trailerSignatureSeen { throw .trailerAfterSignature }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
            line[..<colon].allSatisfy(Self.isTokenByte)
        else { throw .malformedTrailer }
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        let valueBytes = line[(colon + 1)...].trimmingWhitespace()
        let value = String(decoding: valueBytes, as: UTF8.self)

        if name == Self.trailerSignatureName {
            guard signsTrailer, var signer else { throw .unexpectedTrailer(name) }
            let digest = Self.canonicalTrailerSHA256(receivedTrailers)
            guard Hex.isSHA256Hex(value), signer.verifyTrailer(sha256: digest, signature: value) else {
                throw .trailerSignatureMismatch
            }
            self.signer = signer
            trailerSignatureSeen = true
            return
        }
        guard expectedTrailers.contains(name) else { throw .unexpectedTrailer(name) }
        guard !receivedTrailers.contains(where: { $0.name == name }) else { throw .duplicateTrailer(name) }
        receivedTrailers.append(AWSChunkedTrailer(name: name, value: value))
    }

    /// What `x-amz-trailer-signature` signs: the trailers as canonical headers — sorted by
    /// name, `name:value\n` each, values trimmed and whitespace runs folded — exactly as
    /// aws-c-auth and the Java SDK build it, whatever order the lines arrived in.
    static func canonicalTrailerSHA256(_ trailers: [AWSChunkedTrailer]) -> String {
        let pairs = trailers.map { (name: $0.name, value: $0.value) }
        // Cannot throw: every signed name comes from `pairs`.
        let canonical = (try? CanonicalRequest.canonicalHeaders(signedHeaders: trailers.map(\.name), headers: pairs)) ?? ""
        return Hex.encode(SHA256.hash(data: Array(canonical.utf8)))
    }

    private mutating func endTrailerSection(into outputs: inout [Output]) throws(AWSChunkedError) {
        if signsTrailer, !trailerSignatureSeen { throw .missingTrailerSignature }
        for name in expectedTrailers where !receivedTrailers.contains(where: { $0.name == name }) {
            throw .missingTrailer(name)
        }
        state = .done
        outputs.append(.trailers(receivedTrailers))
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}

extension ArraySlice<UInt8> {
    /// Drops leading and trailing spaces and horizontal tabs.
    fileprivate func trimmingWhitespace() -> ArraySlice<UInt8> {
        let isWhitespace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = firstIndex(where: { !isWhitespace($0) }), let last = lastIndex(where: { !isWhitespace($0) }) else {
            return []
        }
        return self[first...last]
    }
}
