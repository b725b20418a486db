#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Discovery, download and caching of one issuer's signing keys.
///
/// Policy (wire-semantics.md §2.2, after panva/jose `createRemoteJWKSet`):
/// - keys are cached for 10 minutes, or for the JWKS response's `Cache-Control: max-age`
///   clamped to 1 minute – 24 hours;
/// - an unknown `kid` triggers a download, but at most one per 30 s cooldown, so garbage tokens
///   cannot turn Portcullis into a traffic amplifier against the IdP (MinIO's mistake);
/// - downloads are single-flight: concurrent callers await the same one;
/// - a failed refresh keeps the last good key set (and retries only after the cooldown);
/// - the discovery document must name exactly the configured issuer (Discovery §4.3).
///
/// Time is passed in by the caller (`now`) so that tests can drive expiry and cooldown.
actor JWKSCache {
    /// Cache and refresh timings, in seconds.
    struct Timing: Sendable {
        var defaultTTL: TimeInterval = 600
        var minimumTTL: TimeInterval = 60
        var maximumTTL: TimeInterval = 86_400
        var cooldown: TimeInterval = 30
    }

    let issuer: String
    private let discoveryURL: String
    private let configuredJWKSURI: String?
    private let allowed: [JWSAlgorithm]
    private let fetcher: any OIDCDocumentFetcher
    private let timing: Timing
    private let logger: Logger

    private var keySet: OIDCKeySet?
    private var expiresAt: Date = .distantPast
    private var lastAttempt: Date?
    private var lastFailure: String?
    private var discoveredJWKSURI: String?
    private var inFlight: Task<Result<OIDCKeySet, OIDCError>, Never>?

    init(
        configuration: OIDCProviderConfiguration,
        allowed: [JWSAlgorithm],
        fetcher: any OIDCDocumentFetcher,
        timing: Timing = Timing(),
        logger: Logger
    ) {
        self.issuer = configuration.issuer
        self.discoveryURL = configuration.discoveryURL
        self.configuredJWKSURI = configuration.jwksURI
        self.allowed = allowed
        self.fetcher = fetcher
        self.timing = timing
        self.logger = logger
    }

    /// The cached key set, downloaded first when missing or expired.
    ///
    /// - Throws: ``OIDCError/keyRetrievalFailed(issuer:reason:)`` only when no key set was ever
    ///   obtained; after that a failed refresh returns the last good set.
    func keys(now: Date) async throws(OIDCError) -> OIDCKeySet {
        if let keySet, now < expiresAt { return keySet }
        return try await refresh(now: now, force: false)
    }

    /// The key set after a token named a `kid` the current set lacks: downloads again unless a
    /// download started less than the cooldown ago (then returns the current set unchanged), and
    /// joins a download already in flight.
    func keysAfterUnknownKey(now: Date) async throws(OIDCError) -> OIDCKeySet {
        try await refresh(now: now, force: true)
    }

    /// Whether a download is running; for tests.
    var isRefreshing: Bool { inFlight != nil }

    private func refresh(now: Date, force: Bool) async throws(OIDCError) -> OIDCKeySet {
        if let inFlight { return try await inFlight.value.get() }
        if let lastAttempt, now.timeIntervalSince(lastAttempt) < timing.cooldown {
            // Too soon for another download (a clock that went backwards counts as too soon):
            // serve what we have, or repeat the last failure.
            if let keySet, force || lastFailure != nil { return keySet }
            if keySet == nil, let lastFailure { throw .keyRetrievalFailed(issuer: issuer, reason: lastFailure) }
        }
        lastAttempt = now
        let task = Task { await self.download(now: now) }
        inFlight = task
        return try await task.value.get()
    }

    /// One download: discovery (unless configured or remembered), then the JWKS. Installs the
    /// result before returning, so every caller awaiting the task sees the same state.
    private func download(now: Date) async -> Result<OIDCKeySet, OIDCError> {
        defer { inFlight = nil }
        do {
            let jwksURI = try await resolveJWKSURI()
            let document = try await fetcher.fetch(url: jwksURI)
            let fresh = try await OIDCKeySet.parse(jwks: document.body, allowed: allowed)
            let ttl = document.cacheControlMaxAge.map { min(max(TimeInterval($0), timing.minimumTTL), timing.maximumTTL) }
                ?? timing.defaultTTL
            keySet = fresh
            expiresAt = now.addingTimeInterval(ttl)
            lastFailure = nil
            logger.debug(
                "OIDC key set loaded",
                metadata: [
                    "issuer": "\(issuer)", "keys": "\(fresh.keys.count)", "ttl": "\(Int(ttl))",
                    "skipped": .array(fresh.skipped.map { .string($0) }),
                ]
            )
            return .success(fresh)
        } catch {
            let reason = String(describing: error)
            lastFailure = reason
            discoveredJWKSURI = nil  // the IdP may have moved its keys: rediscover next time
            if let keySet {
                // Keep serving the last good keys; try again once the cooldown has passed.
                expiresAt = now.addingTimeInterval(timing.cooldown)
                logger.warning("OIDC key refresh failed; keeping last good key set", metadata: ["issuer": "\(issuer)", "error": "\(reason)"])
                return .success(keySet)
            }
            logger.error("OIDC key retrieval failed", metadata: ["issuer": "\(issuer)", "error": "\(reason)"])
            return .failure(.keyRetrievalFailed(issuer: issuer, reason: reason))
        }
    }

    private func resolveJWKSURI() async throws -> String {
        if let configuredJWKSURI { return configuredJWKSURI }
        if let discoveredJWKSURI { return discoveredJWKSURI }
        let document = try await fetcher.fetch(url: discoveryURL)
        guard let members = JSONValue.parseObject(document.body) else {
            throw OIDCFetchError("discovery document is not a JSON object")
        }
        guard let advertised = members["issuer"]?.stringValue, advertised == issuer else {
            let advertised = members["issuer"]?.scalarText ?? "nothing"
            throw OIDCFetchError("discovery document names issuer \(advertised), expected exactly \(issuer)")
        }
        guard let jwksURI = members["jwks_uri"]?.stringValue,
            jwksURI.hasPrefix("https://") || (jwksURI.hasPrefix("http://") && issuer.hasPrefix("http://"))
        else {
            throw OIDCFetchError("discovery document has no usable jwks_uri (https required for an https issuer)")
        }
        discoveredJWKSURI = jwksURI
        return jwksURI
    }
}
