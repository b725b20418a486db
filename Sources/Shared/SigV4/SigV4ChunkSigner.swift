/// Chunk and trailer signatures for aws-chunked bodies (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`
/// and `…-PAYLOAD-TRAILER`), each chained to the previous signature starting from the seed.
///
/// ```
/// AWS4-HMAC-SHA256-PAYLOAD \n <X-Amz-Date> \n <scope> \n <previous-signature> \n sha256("") \n sha256(chunk)
/// AWS4-HMAC-SHA256-TRAILER \n <X-Amz-Date> \n <scope> \n <previous-signature> \n sha256(trailer lines)
/// ```
/// See https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
///
/// The instance form holds the chain state for one upload: a decoder calls
/// ``verifyChunk(sha256:signature:)`` per chunk (the final zero-length chunk included), then
/// ``verifyTrailer(sha256:signature:)`` for a signed trailer. A proxy re-framing a body for a
/// backend calls ``nextChunkSignature(sha256:)`` instead.
public struct SigV4ChunkSigner: Sendable {
    public let signingKey: SigV4SigningKey
    public let date: AmzDate
    /// The signature the next chunk chains from: the seed first, then each chunk's.
    public private(set) var previousSignature: String

    public init(signingKey: SigV4SigningKey, date: AmzDate, seedSignature: String) {
        self.signingKey = signingKey
        self.date = date
        self.previousSignature = seedSignature
    }

    /// Signs the next chunk, whose SHA-256 is `sha256` (hex), and advances the chain.
    public mutating func nextChunkSignature(sha256: String) -> String {
        let signature = Self.chunkSignature(
            previous: previousSignature,
            chunkSHA256: sha256,
            date: date,
            scope: signingKey.scope,
            signingKey: signingKey
        )
        previousSignature = signature
        return signature
    }

    /// Checks a received chunk signature in constant time; advances the chain only on success.
    public mutating func verifyChunk(sha256: String, signature: some StringProtocol) -> Bool {
        let stringToSign = Self.chunkStringToSign(previous: previousSignature, chunkSHA256: sha256, date: date, scope: signingKey.scope)
        guard signingKey.isValidSignature(signature, for: stringToSign) else { return false }
        previousSignature = String(signature)
        return true
    }

    /// Signs the trailer block (hex SHA-256 of the `name:value\n` lines) and advances the chain.
    public mutating func nextTrailerSignature(sha256: String) -> String {
        let signature = signingKey.signature(
            for: Self.trailerStringToSign(previous: previousSignature, trailerSHA256: sha256, date: date, scope: signingKey.scope)
        )
        previousSignature = signature
        return signature
    }

    /// Checks a received `x-amz-trailer-signature` in constant time.
    public mutating func verifyTrailer(sha256: String, signature: some StringProtocol) -> Bool {
        let stringToSign = Self.trailerStringToSign(previous: previousSignature, trailerSHA256: sha256, date: date, scope: signingKey.scope)
        guard signingKey.isValidSignature(signature, for: stringToSign) else { return false }
        previousSignature = String(signature)
        return true
    }

    /// The signature of one chunk whose data hashes to `chunkSHA256` (hex), chained to `previous`.
    public static func chunkSignature(
        previous: String,
        chunkSHA256: String,
        date: AmzDate,
        scope: SigV4Scope,
        signingKey: SigV4SigningKey
    ) -> String {
        signingKey.signature(for: chunkStringToSign(previous: previous, chunkSHA256: chunkSHA256, date: date, scope: scope))
    }

    /// The chunk string to sign (`AWS4-HMAC-SHA256-PAYLOAD` …).
    public static func chunkStringToSign(previous: String, chunkSHA256: String, date: AmzDate, scope: SigV4Scope) -> String {
        "AWS4-HMAC-SHA256-PAYLOAD\n\(date.text)\n\(scope.string)\n\(previous)\n\(SigV4SigningKey.emptyPayloadSHA256)\n\(chunkSHA256)"
    }

    /// The trailer string to sign (`AWS4-HMAC-SHA256-TRAILER` …).
    public static func trailerStringToSign(previous: String, trailerSHA256: String, date: AmzDate, scope: SigV4Scope) -> String {
        "AWS4-HMAC-SHA256-TRAILER\n\(date.text)\n\(scope.string)\n\(previous)\n\(trailerSHA256)"
    }
}
