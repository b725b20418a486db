import Foundation
import Shared

/// AssumeRoleWithWebIdentity's rate limits: per client address and per provider, checked
/// before a token is verified, so garbage tokens cost neither CPU nor requests to the IdP.
struct STSThrottle: Sendable {
    let perSourceIP: KeyedRateLimiter
    let perProvider: KeyedRateLimiter
    /// Configured issuers → provider names; anything else counts as one "unconfigured" provider.
    let providerNames: [String: String]
    /// Monotonic seconds.
    var now: @Sendable () -> Double = {
        let elapsed = ContinuousClock.now - STSThrottle.origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private static let origin = ContinuousClock.now

    init(settings: STSRateLimitSettings, providers: [ProviderSettings]) {
        perSourceIP = KeyedRateLimiter(requestsPerSecond: settings.perSourceIp.requestsPerSecond, burst: settings.perSourceIp.burst)
        perProvider = KeyedRateLimiter(requestsPerSecond: settings.perProvider.requestsPerSecond, burst: settings.perProvider.burst)
        providerNames = Dictionary(providers.map { ($0.issuer, $0.name) }) { first, _ in first }
    }

    static let throttling = STSError("Throttling", "Rate exceeded", status: 400)

    /// Spends one request of the caller's and of the provider's budget, or throws `Throttling`.
    func admit(sourceIP: String?, token: String) throws(STSError) {
        let time = now()
        guard perSourceIP.admit(sourceIP ?? "unknown", now: time) else { throw Self.throttling }
        guard perProvider.admit(provider(of: token), now: time) else { throw Self.throttling }
    }

    /// The provider a token claims to come from, read without verification (only to pick a budget).
    func provider(of token: String) -> String {
        let parts = token.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].utf8.count <= 16_384, let payload = Base64URL.decode(parts[1]),
            let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
            let issuer = object["iss"] as? String, let name = providerNames[issuer]
        else { return "unconfigured" }
        return name
    }
}
