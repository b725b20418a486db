/// A token-bucket limit: `requestsPerSecond` sustained, `burst` at once. A rate of 0 turns the
/// limit off.
public struct RateLimitSettings: Sendable, Decodable, Equatable {
    public var requestsPerSecond: Double
    public var burst: Int

    public init(requestsPerSecond: Double, burst: Int) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case requestsPerSecond, burst }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        requestsPerSecond = try c.decode(Double.self, forKey: .requestsPerSecond)
        burst = try c.decode(Int.self, forKey: .burst)
    }
}

/// `sts.rateLimits`: how fast AssumeRoleWithWebIdentity may be called, so that a flood of
/// (garbage) tokens cannot exhaust the server or make it hammer an identity provider.
public struct STSRateLimitSettings: Sendable, Decodable, Equatable {
    /// Per client address (the socket peer).
    public var perSourceIp = RateLimitSettings(requestsPerSecond: 20, burst: 100)
    /// Per OIDC provider (by the token's `iss`; unknown issuers share one budget).
    public var perProvider = RateLimitSettings(requestsPerSecond: 200, burst: 400)

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case perSourceIp, perProvider }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        perSourceIp = try c.decodeIfPresent(RateLimitSettings.self, forKey: .perSourceIp) ?? perSourceIp
        perProvider = try c.decodeIfPresent(RateLimitSettings.self, forKey: .perProvider) ?? perProvider
    }
}
