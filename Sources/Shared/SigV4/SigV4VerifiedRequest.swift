/// A request whose SigV4 signature checked out, with what later stages need: the signing key and
/// seed signature for aws-chunked chunk signatures, and the payload hash the body must match.
public struct SigV4VerifiedRequest: Sendable {
    /// The authentication that was verified.
    public var authorization: SigV4Authorization
    /// The derived key; sign chunk and trailer strings with it.
    public var signingKey: SigV4SigningKey
    /// The payload hash in the canonical request (`UNSIGNED-PAYLOAD`, hex, `STREAMING-…`).
    public var payloadHash: String
    /// The canonical request that matched.
    public var canonicalRequest: CanonicalRequest
    /// The string to sign that matched.
    public var stringToSign: String

    public init(
        authorization: SigV4Authorization,
        signingKey: SigV4SigningKey,
        payloadHash: String,
        canonicalRequest: CanonicalRequest,
        stringToSign: String
    ) {
        self.authorization = authorization
        self.signingKey = signingKey
        self.payloadHash = payloadHash
        self.canonicalRequest = canonicalRequest
        self.stringToSign = stringToSign
    }

    /// The request signature: the first chunk's "previous signature" in aws-chunked uploads.
    public var seedSignature: String { authorization.signature }

    /// How the body is to be handled, or `nil` for an unrecognised payload hash.
    public var payloadMode: SigV4PayloadMode? { SigV4PayloadMode(headerValue: payloadHash) }

    /// A chunk signer seeded with this request's signature, for `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`.
    public func chunkSigner() -> SigV4ChunkSigner {
        SigV4ChunkSigner(signingKey: signingKey, date: authorization.date, seedSignature: seedSignature)
    }
}
