#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// An ID token whose signature and claims have been verified.
///
/// Everything the STS layer needs: the stable user key (`issuer`, `subject`), the audience that
/// matched (for trust policies and the `oaud` session claim), the token's expiry (to cap a
/// session, if policy says so), and *all* claims for `${jwt:*}` policy variables and session tags.
public struct VerifiedIdentityToken: Sendable, Hashable {
    /// `iss`, equal to the configured issuer.
    public var issuer: String
    /// `sub`, non-empty.
    public var subject: String
    /// The accepted client ID found in `aud`.
    public var audience: String
    /// Every value of `aud`, in token order.
    public var audiences: [String]
    /// `azp`, when present.
    public var authorizedParty: String?
    /// `exp`.
    public var expiresAt: Date
    /// `iat`, when present.
    public var issuedAt: Date?
    /// `nbf`, when present.
    public var notBefore: Date?
    /// The header `alg` the signature was verified with.
    public var algorithm: String
    /// The header `kid`, when present.
    public var keyID: String?
    /// The name of the provider configuration that accepted the token.
    public var providerName: String
    /// Every payload claim, as sent by the IdP.
    public var claims: [String: JSONValue]

    public init(
        issuer: String,
        subject: String,
        audience: String,
        audiences: [String],
        authorizedParty: String? = nil,
        expiresAt: Date,
        issuedAt: Date? = nil,
        notBefore: Date? = nil,
        algorithm: String,
        keyID: String? = nil,
        providerName: String,
        claims: [String: JSONValue]
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.audiences = audiences
        self.authorizedParty = authorizedParty
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.algorithm = algorithm
        self.keyID = keyID
        self.providerName = providerName
        self.claims = claims
    }
}
