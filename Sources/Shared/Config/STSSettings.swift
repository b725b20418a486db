/// The `sts:` section.
public struct STSSettings: Sendable, Decodable {
    /// Address STSServer binds. Overridden by `PORTCULLIS_STS_LISTEN`.
    public var listen: String = "127.0.0.1:8090"
    /// The 12-digit account id used in role and assumed-role ARNs.
    public var accountId: String = "000000000000"
    /// Default session duration when the caller sends no `DurationSeconds`.
    public var defaultSessionDuration: Int = 3600
    /// Whether credentials expire no later than the OIDC token. AWS does not cap; neither do we by default.
    public var capExpiryAtTokenExpiry: Bool = false
    /// Limits on AssumeRoleWithWebIdentity (answered with `Throttling`).
    public var rateLimits = STSRateLimitSettings()

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, accountId, defaultSessionDuration, capExpiryAtTokenExpiry, rateLimits
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        listen = try c.decodeIfPresent(String.self, forKey: .listen) ?? listen
        accountId = try c.decodeIfPresent(String.self, forKey: .accountId) ?? accountId
        defaultSessionDuration = try c.decodeIfPresent(Int.self, forKey: .defaultSessionDuration) ?? defaultSessionDuration
        capExpiryAtTokenExpiry = try c.decodeIfPresent(Bool.self, forKey: .capExpiryAtTokenExpiry) ?? capExpiryAtTokenExpiry
        rateLimits = try c.decodeIfPresent(STSRateLimitSettings.self, forKey: .rateLimits) ?? rateLimits
    }
}
