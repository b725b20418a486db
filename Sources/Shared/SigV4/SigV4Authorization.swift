/// The SigV4 authentication a request carries, from its `Authorization` header or from
/// presigned-URL query parameters, parsed but not yet verified.
///
/// Parsing needs no secret, so the S3 layer can parse, look up or derive the secret for
/// ``accessKeyID`` (and ``securityToken``), and only then call ``SigV4Verifier/verify(_:request:secretAccessKey:now:payloadHash:)``.
public struct SigV4Authorization: Sendable, Hashable {
    /// Where the authentication came from.
    public enum Location: Sendable, Hashable {
        /// `Authorization: AWS4-HMAC-SHA256 …`.
        case header
        /// Presigned URL, valid for `expiresSeconds` (`X-Amz-Expires`) after ``date``.
        case query(expiresSeconds: Int64)
    }

    public var location: Location
    /// The access key id from the credential (`ASIA…` for Portcullis session credentials).
    public var accessKeyID: String
    /// The credential scope the client signed with.
    public var scope: SigV4Scope
    /// The signed header names, lowercase, in the order the client listed them.
    public var signedHeaders: [String]
    /// The signature the client sent (hex).
    public var signature: String
    /// `X-Amz-Date`: the signing time.
    public var date: AmzDate
    /// `X-Amz-Security-Token`, from the header (header auth) or the query (presigned; falls back to the header).
    public var securityToken: String?
    /// The payload hash the client signed, when it sent one: `x-amz-content-sha256` for header auth,
    /// `X-Amz-Content-Sha256` (query, then header) for presigned URLs.
    public var contentSHA256: String?

    public init(
        location: Location,
        accessKeyID: String,
        scope: SigV4Scope,
        signedHeaders: [String],
        signature: String,
        date: AmzDate,
        securityToken: String? = nil,
        contentSHA256: String? = nil
    ) {
        self.location = location
        self.accessKeyID = accessKeyID
        self.scope = scope
        self.signedHeaders = signedHeaders
        self.signature = signature
        self.date = date
        self.securityToken = securityToken
        self.contentSHA256 = contentSHA256
    }

    /// Whether this is presigned-URL (query) authentication.
    public var isPresigned: Bool {
        if case .query = location { return true }
        return false
    }

    /// The payload hash to put in the canonical request when the caller does not override it:
    /// header auth uses `x-amz-content-sha256` (`nil` if absent); presigned URLs use
    /// `X-Amz-Content-Sha256` if given, else `UNSIGNED-PAYLOAD`.
    public var defaultPayloadHash: String? {
        switch location {
        case .header: contentSHA256
        case .query: contentSHA256 ?? "UNSIGNED-PAYLOAD"
        }
    }
}
