import Foundation
import Shared

/// AssumeRoleWithWebIdentity's rate limits.
///
/// Per client address, checked before a token is verified, so garbage tokens cost little CPU
/// and never reach an identity provider. Per provider, charged only once a token verified:
/// charging the unverified `iss` would let anyone spend a provider's budget and lock its real
/// users out.
struct STSThrottle: Sendable {
    let perSourceIP: KeyedRateLimiter
    let perProvider: KeyedRateLimiter
    /// Configured issuers → provider names.
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

    /// Spends one request of the caller's budget, or throws `Throttling`.
    func admit(sourceIP: String?) throws(STSError) {
        guard perSourceIP.admit(sourceIP ?? "unknown", now: now()) else { throw Self.throttling }
    }

    /// Spends one session of the (verified) issuer's provider budget, or throws `Throttling`.
    func admit(verifiedIssuer issuer: String) throws(STSError) {
        guard perProvider.admit(providerNames[issuer] ?? issuer, now: now()) else { throw Self.throttling }
    }
}
