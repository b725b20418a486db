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

    enum CodingKeys: String, CodingKey, CaseIterable { case name, issuer, audiences, algorithms, leewaySeconds, maxTokenAgeSeconds }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        issuer = try c.decode(String.self, forKey: .issuer)
        audiences = try c.decode([String].self, forKey: .audiences)
        algorithms = try c.decodeIfPresent([String].self, forKey: .algorithms) ?? algorithms
        leewaySeconds = try c.decodeIfPresent(Int.self, forKey: .leewaySeconds) ?? leewaySeconds
        maxTokenAgeSeconds = try c.decodeIfPresent(Int.self, forKey: .maxTokenAgeSeconds)
    }

    /// Algorithms Portcullis can verify. `none` and HMAC are absent on purpose.
    public static let supportedAlgorithms: Set<String> = [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
    ]
}
