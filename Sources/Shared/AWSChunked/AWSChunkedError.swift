/// Why an `aws-chunked` request body was refused by ``AWSChunkedDecoder``.
///
/// The enum only names the problem; the S3 layer maps it to an S3 error. Suggested mapping
/// (Amazon S3 answers most framing problems with 400 and signature problems with 403):
///
/// | Case | Suggested S3 error |
/// |---|---|
/// | framing cases (`invalidChunkSize` … `trailerSectionTooLong`, `dataAfterEnd`) | 400 `InvalidRequest` (or `IncompleteBody`) |
/// | ``incompleteBody`` | 400 `IncompleteBody` |
/// | ``chunkSignatureMismatch(chunkIndex:)``, ``trailerSignatureMismatch`` | 403 `SignatureDoesNotMatch` |
/// | ``missingChunkSignature``, ``missingTrailerSignature`` | 403 `SignatureDoesNotMatch` (or 400 `InvalidRequest`) |
/// | ``decodedLengthMismatch(expected:actual:)`` | 400 `IncompleteBody` |
/// | ``missingTrailer(_:)``, ``unexpectedTrailer(_:)``, ``duplicateTrailer(_:)`` | 400 `InvalidRequest` / `MalformedTrailerError` |
public enum AWSChunkedError: Error, Sendable, Hashable {
    // MARK: Framing

    /// The chunk size is not 1–16 hex digits, or does not fit in `Int`.
    case invalidChunkSize
    /// A chunk header carries an extension other than `;chunk-signature=<64 hex>` where a
    /// signature is required (signed modes), e.g. a short or non-hex signature.
    case invalidChunkSignatureExtension
    /// A chunk header carries an extension where none is allowed (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`).
    case unexpectedChunkExtension
    /// A chunk header line (without its CRLF) is longer than ``AWSChunkedDecoder/Limits/maxChunkHeaderLineLength``.
    case chunkHeaderTooLong
    /// A CRLF was expected (after a header line, after chunk data, after a trailer line) and
    /// something else came: a bare LF, a CR not followed by LF, or data longer than its size.
    case missingCRLF
    /// A trailer line is not `name:value` with a non-empty token name.
    case malformedTrailer
    /// The trailer section (everything after the final chunk header) is longer than
    /// ``AWSChunkedDecoder/Limits/maxTrailerSectionLength``.
    case trailerSectionTooLong
    /// Bytes arrived after the final CRLF of the body.
    case dataAfterEnd
    /// ``AWSChunkedDecoder/finish()`` was called before the body's final CRLF (truncated body).
    case incompleteBody

    // MARK: Signatures

    /// A signed mode received a chunk header without `;chunk-signature=`.
    case missingChunkSignature
    /// The `chunk-signature` of chunk `chunkIndex` (0-based; the final zero-length chunk counts)
    /// does not match the chain.
    case chunkSignatureMismatch(chunkIndex: Int)
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER` without an `x-amz-trailer-signature` line.
    case missingTrailerSignature
    /// `x-amz-trailer-signature` is malformed or does not match.
    case trailerSignatureMismatch
    /// A trailer line follows `x-amz-trailer-signature` (it would not be covered by the signature).
    case trailerAfterSignature

    // MARK: Lengths and trailers

    /// The decoded payload length differs from `x-amz-decoded-content-length`. When the body
    /// is too long this is raised as soon as the excess is announced, so `actual` is then the
    /// length the chunk headers claimed so far.
    case decodedLengthMismatch(expected: Int64, actual: Int64)
    /// A trailer named in `x-amz-trailer` did not arrive.
    case missingTrailer(String)
    /// A trailer arrived that `x-amz-trailer` did not announce (including
    /// `x-amz-trailer-signature` in a mode without signed trailers).
    case unexpectedTrailer(String)
    /// The same trailer arrived twice.
    case duplicateTrailer(String)
}
