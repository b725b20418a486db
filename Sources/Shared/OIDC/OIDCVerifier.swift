#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import AsyncHTTPClient
public import Logging

/// Verifies OIDC ID tokens (the `WebIdentityToken` of `AssumeRoleWithWebIdentity`) against the
/// configured identity providers.
///
/// The provider is picked by the token's *unverified* `iss`, by exact string match. That is
/// safe: the signature is then checked only against that issuer's keys, and `iss` is checked
/// again after verification. A token naming an unconfigured issuer costs no network traffic.
///
/// ```swift
/// let http = HTTPDocumentFetcher.makeHTTPClient()
/// let verifier = try OIDCVerifier(providers: configs, httpClient: http)
/// do {
///     let identity = try await verifier.verify(token: webIdentityToken)
///     // identity.issuer, identity.subject, identity.audience, identity.claims["email"] …
/// } catch {
///     let sts = error.stsError   // code, message, httpStatus
/// }
/// try await http.shutdown()
/// ```
public struct OIDCVerifier: Sendable {
    private let providers: [String: OIDCProviderVerifier]

    /// - Parameters:
    ///   - providers: trusted issuers; each is validated, and issuers must be unique.
    ///   - fetcher: how discovery and JWKS documents are retrieved.
    ///   - logger: receives key-set loads (debug) and retrieval failures (warning/error).
    /// - Throws: ``OIDCConfigurationError`` with the field prefixed by `providers[i].`.
    public init(
        providers: [OIDCProviderConfiguration],
        fetcher: any OIDCDocumentFetcher,
        logger: Logger = Logger(label: "portcullis.oidc")
    ) throws(OIDCConfigurationError) {
        try self.init(providers: providers, fetcher: fetcher, timing: nil, logger: logger)
    }

    /// Uses an ``HTTPDocumentFetcher`` over `httpClient` (5 s deadline, 1 MiB cap). Build the client
    /// with ``HTTPDocumentFetcher/makeHTTPClient(eventLoopGroup:)`` so redirects are disallowed;
    /// the caller shuts it down.
    public init(
        providers: [OIDCProviderConfiguration],
        httpClient: HTTPClient,
        logger: Logger = Logger(label: "portcullis.oidc")
    ) throws(OIDCConfigurationError) {
        try self.init(providers: providers, fetcher: HTTPDocumentFetcher(client: httpClient), logger: logger)
    }

    init(
        providers: [OIDCProviderConfiguration],
        fetcher: any OIDCDocumentFetcher,
        timing: JWKSCache.Timing?,
        logger: Logger
    ) throws(OIDCConfigurationError) {
        var table: [String: OIDCProviderVerifier] = [:]
        for (index, configuration) in providers.enumerated() {
            let allowed: OIDCProviderConfiguration.Algorithms
            do {
                allowed = try configuration.validate()
            } catch {
                throw OIDCConfigurationError(field: "providers[\(index)].\(error.field)", problem: error.problem)
            }
            guard table[configuration.issuer] == nil else {
                throw OIDCConfigurationError(field: "providers[\(index)].issuer", problem: "duplicate issuer \(configuration.issuer)")
            }
            var providerLogger = logger
            providerLogger[metadataKey: "oidc.provider"] = "\(configuration.name)"
            table[configuration.issuer] = OIDCProviderVerifier(
                configuration: configuration,
                allowed: allowed,
                fetcher: fetcher,
                timing: timing ?? JWKSCache.Timing(cooldown: TimeInterval(configuration.keyRefreshCooldownSeconds)),
                logger: providerLogger
            )
        }
        self.providers = table
    }

    /// The configured issuers.
    public var issuers: [String] { providers.keys.sorted() }

    /// Verifies an ID token.
    ///
    /// - Parameters:
    ///   - token: the compact JWS.
    ///   - now: the current time; also drives key-cache expiry and the refresh cooldown.
    /// - Returns: the verified identity with all claims.
    /// - Throws: ``OIDCError``; map it to the STS response with ``OIDCError/stsError``.
    public func verify(token: String, now: Date = Date()) async throws(OIDCError) -> VerifiedIdentityToken {
        let jws = try CompactJWS(token)
        guard let issuerClaim = jws.unverifiedClaims["iss"] else { throw .missingClaim("iss") }
        guard let issuer = issuerClaim.stringValue else { throw .invalidClaim("iss") }
        guard let provider = providers[issuer] else { throw .unknownIssuer(issuer) }
        return try await provider.verify(jws, now: now)
    }

    /// Loads every provider's keys ahead of the first token (for a readiness probe).
    ///
    /// - Returns: issuers whose keys could not be retrieved, with the error.
    @discardableResult
    public func prefetchKeys(now: Date = Date()) async -> [String: OIDCError] {
        var failures: [String: OIDCError] = [:]
        for (issuer, provider) in providers where provider.needsKeySet {
            do {
                _ = try await provider.cache.keys(now: now)
            } catch {
                failures[issuer] = error
            }
        }
        return failures
    }
}
