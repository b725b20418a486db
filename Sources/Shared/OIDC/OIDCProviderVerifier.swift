#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JWTKit
import Logging

/// Verifies tokens of one issuer: algorithm policy, key selection, signature, claims.
struct OIDCProviderVerifier: Sendable {
    let configuration: OIDCProviderConfiguration
    let allowed: [JWSAlgorithm]
    let cache: JWKSCache
    let sharedSecret: SharedSecretVerifier?
    let claimValidator: IDTokenClaimValidator

    /// Whether tokens of this provider are verified with published keys, so the keys must load.
    var needsKeySet: Bool { !allowed.isEmpty }

    init(
        configuration: OIDCProviderConfiguration,
        allowed algorithms: OIDCProviderConfiguration.Algorithms,
        fetcher: any OIDCDocumentFetcher,
        timing: JWKSCache.Timing,
        logger: Logger
    ) {
        self.configuration = configuration
        self.allowed = algorithms.published
        self.cache = JWKSCache(configuration: configuration, allowed: algorithms.published, fetcher: fetcher, timing: timing, logger: logger)
        self.sharedSecret = configuration.sharedSecret.map { SharedSecretVerifier(secret: $0, algorithms: algorithms.sharedSecret) }
        self.claimValidator = IDTokenClaimValidator(configuration: configuration)
    }

    func verify(_ jws: CompactJWS, now: Date) async throws(OIDCError) -> VerifiedIdentityToken {
        // HS* only with the secret the operator configured for this issuer; a JWKS key never
        // verifies an HMAC token (JWSAlgorithm cannot represent one).
        if let hmac = SharedSecretAlgorithm(rawValue: jws.header.alg) {
            guard let verifier = await sharedSecret?.verifier(for: hmac) else { throw .unsupportedAlgorithm(jws.header.alg) }
            return try await verifySignatureAndClaims(jws, with: verifier, now: now)
        }

        // 1. The header alg must be on this issuer's allow-list. `none` never is, which defeats
        //    algorithm confusion before any key is touched.
        guard let algorithm = JWSAlgorithm(rawValue: jws.header.alg), allowed.contains(algorithm) else {
            throw .unsupportedAlgorithm(jws.header.alg)
        }

        // 2. Exactly one key, chosen by us. An unknown kid may refresh the set (rate-limited).
        var selection = try await cache.keys(now: now).select(kid: jws.header.kid, algorithm: algorithm)
        if case .unknown = selection {
            selection = try await cache.keysAfterUnknownKey(now: now).select(kid: jws.header.kid, algorithm: algorithm)
        }
        let verifier: JWTKeyCollection
        switch selection {
        case .found(let collection): verifier = collection
        case .unknown: throw .unknownKey(kid: jws.header.kid)
        case .incompatibleAlgorithm: throw .unsupportedAlgorithm(jws.header.alg)
        case .ambiguous: throw .ambiguousKey(kid: jws.header.kid)
        }

        return try await verifySignatureAndClaims(jws, with: verifier, now: now)
    }

    /// 3. Signature, by jwt-kit, with a collection that holds only the chosen key and algorithm.
    ///    A bad signature never triggers a key refresh. 4. Claims.
    private func verifySignatureAndClaims(_ jws: CompactJWS, with verifier: JWTKeyCollection, now: Date) async throws(OIDCError) -> VerifiedIdentityToken {
        let claims: [String: JSONValue]
        do {
            claims = try await verifier.verify(jws.token, as: RawClaims.self).members
        } catch {
            throw .invalidSignature
        }
        return try claimValidator.validate(claims: claims, header: jws.header, now: now)
    }
}

/// A jwt-kit payload that keeps every claim and checks none: claims are checked afterwards by
/// ``IDTokenClaimValidator`` with leeway and strict types.
private struct RawClaims: JWTPayload {
    var members: [String: JSONValue]

    init(from decoder: any Decoder) throws {
        members = try decoder.singleValueContainer().decode([String: JSONValue].self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(members)
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
