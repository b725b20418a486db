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
            return try verifySignatureAndClaims(jws, with: verifier, now: now)
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
        let verifier: any JWTAlgorithm
        switch selection {
        case .found(let algorithm): verifier = algorithm
        case .unknown: throw .unknownKey(kid: jws.header.kid)
        case .incompatibleAlgorithm: throw .unsupportedAlgorithm(jws.header.alg)
        case .ambiguous: throw .ambiguousKey(kid: jws.header.kid)
        }

        return try verifySignatureAndClaims(jws, with: verifier, now: now)
    }

    /// 3. Signature, by a jwt-kit signer that holds only the chosen key and algorithm, over the
    ///    bytes `CompactJWS` split out. A bad signature never triggers a key refresh. 4. Claims,
    ///    from the payload `CompactJWS` already decoded: now that the signature holds, they are
    ///    the issuer's.
    private func verifySignatureAndClaims(_ jws: CompactJWS, with verifier: any JWTAlgorithm, now: Date) throws(OIDCError) -> VerifiedIdentityToken {
        guard (try? verifier.verify(jws.signature, signs: jws.signingInput)) == true else {
            throw .invalidSignature
        }
        return try claimValidator.validate(claims: jws.unverifiedClaims, header: jws.header, now: now)
    }
}
