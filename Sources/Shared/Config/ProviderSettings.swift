/// One entry of `providers:`: an OIDC issuer whose tokens STSServer accepts.
public struct ProviderSettings: Sendable, Decodable {
    public var name: String
    /// Compared byte for byte with the token's `iss` and the discovery document's `issuer`.
    public var issuer: String
    /// Accepted `aud` values (OAuth client ids). At least one.
    public var audiences: [String]
    /// Signature algorithms accepted from this issuer; never taken from the token itself.
    public var algorithms: [String] = ["RS256", "ES256"]
    /// Allowed clock difference for `exp`, `nbf`, `iat`.
    public var leewaySeconds: Int = 60
    /// Optional: refuse tokens issued (`iat`) longer ago than this.
    public var maxTokenAgeSeconds: Int?
    /// Optional: the secret for HS256/384/512 tokens. HS* algorithms are refused without it.
    public var sharedSecret: SecretReference?
    /// The least time between key downloads caused by tokens naming an unknown `kid`.
    public var keyRefreshCooldownSeconds: Int = 30
    /// Optional: the claims copied into sessions for `${jwt:<claim>}` policy variables. Absent,
    /// every claim but the timing and nonce ones is copied (within the size bounds); `sub`, `iss`
    /// and `aud` are always available.
    public var sessionClaims: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, issuer, audiences, algorithms, leewaySeconds, maxTokenAgeSeconds, sharedSecret, keyRefreshCooldownSeconds, sessionClaims
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        issuer = try c.decode(String.self, forKey: .issuer)
        audiences = try c.decode([String].self, forKey: .audiences)
        algorithms = try c.decodeIfPresent([String].self, forKey: .algorithms) ?? algorithms
        leewaySeconds = try c.decodeIfPresent(Int.self, forKey: .leewaySeconds) ?? leewaySeconds
        maxTokenAgeSeconds = try c.decodeIfPresent(Int.self, forKey: .maxTokenAgeSeconds)
        sharedSecret = try c.decodeIfPresent(SecretReference.self, forKey: .sharedSecret)
        keyRefreshCooldownSeconds = try c.decodeIfPresent(Int.self, forKey: .keyRefreshCooldownSeconds) ?? keyRefreshCooldownSeconds
        sessionClaims = try c.decodeIfPresent([String].self, forKey: .sessionClaims)
    }

    /// Algorithms verified with the issuer's published keys. `none` is absent on purpose.
    public static let supportedAlgorithms: Set<String> = [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
    ]
    /// Algorithms verified with ``sharedSecret``, accepted only when one is configured.
    public static let sharedSecretAlgorithms: Set<String> = ["HS256", "HS384", "HS512"]

    /// The most claim names `sessionClaims` may list (the session carries at most 50 claims).
    public static let maximumSessionClaims = 50
}
