/// What an `x-amz-content-sha256` value promises about the body.
///
/// The S3 layer picks its body pipeline from this: hash-and-compare, pass through, or decode
/// aws-chunked framing (verifying chunk signatures with ``SigV4ChunkSigner``).
public enum SigV4PayloadMode: Sendable, Hashable {
    /// 64 hex digits: the SHA-256 of the whole body; verify it while streaming.
    case sha256(String)
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature.
    case unsigned
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: aws-chunked, every chunk signed.
    case streamingSigned
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: aws-chunked, chunks and trailer signed.
    case streamingSignedTrailer
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: aws-chunked, nothing signed, checksum trailer.
    case streamingUnsignedTrailer
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD[-TRAILER]`: SigV4a chunks (not supported here).
    case streamingECDSA(trailer: Bool)

    /// Classifies a header value; `nil` if it is none of the known forms.
    public init?(headerValue: some StringProtocol) {
        switch String(headerValue) {
        case "UNSIGNED-PAYLOAD": self = .unsigned
        case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD": self = .streamingSigned
        case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER": self = .streamingSignedTrailer
        case "STREAMING-UNSIGNED-PAYLOAD-TRAILER": self = .streamingUnsignedTrailer
        case "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD": self = .streamingECDSA(trailer: false)
        case "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER": self = .streamingECDSA(trailer: true)
        default:
            guard Hex.isSHA256Hex(headerValue) else { return nil }
            self = .sha256(String(headerValue))
        }
    }

    /// The header value for this mode.
    public var headerValue: String {
        switch self {
        case .sha256(let hex): hex
        case .unsigned: "UNSIGNED-PAYLOAD"
        case .streamingSigned: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
        case .streamingSignedTrailer: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
        case .streamingUnsignedTrailer: "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
        case .streamingECDSA(let trailer):
            trailer ? "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER" : "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
        }
    }
}
