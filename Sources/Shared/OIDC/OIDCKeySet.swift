#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JWTKit

/// The usable keys of one JWKS download, and the rules for picking the one key a token may use.
struct OIDCKeySet: Sendable {
    let keys: [OIDCVerificationKey]
    /// JWKs that were left out, with the reason, for logs.
    let skipped: [String]

    /// The outcome of looking up a key for a token header.
    enum Selection: Sendable {
        /// Exactly one key fits; verify with this algorithm, bound to that key alone.
        case found(any JWTAlgorithm)
        /// No key has this `kid` (or, without `kid`, no key fits the algorithm): worth a refresh.
        case unknown
        /// A key with this `kid` exists but may not verify the token's algorithm.
        case incompatibleAlgorithm
        /// Several keys fit: a kid-less token with more than one candidate, or a duplicated `kid`.
        case ambiguous
    }

    /// Picks the key for a token.
    ///
    /// With a `kid`, only keys with exactly that `kid` are considered — never a default key. Without
    /// one, the token is accepted only if exactly one usable key supports its algorithm
    /// (wire-semantics.md §2.2), so a kid-less token can never be matched against an arbitrary key.
    func select(kid: String?, algorithm: JWSAlgorithm) -> Selection {
        let candidates: [OIDCVerificationKey]
        if let kid {
            let named = keys.filter { $0.kid == kid }
            if named.isEmpty { return .unknown }
            candidates = named.filter { $0.algorithms.contains(algorithm) }
            if candidates.isEmpty { return .incompatibleAlgorithm }
        } else {
            candidates = keys.filter { $0.algorithms.contains(algorithm) }
            if candidates.isEmpty { return .unknown }
        }
        guard candidates.count == 1, let verifier = candidates[0].verifier(for: algorithm) else {
            return .ambiguous
        }
        return .found(verifier)
    }

    /// Parses a JWKS body, keeping each JWK that passes ``OIDCVerificationKey/make(jwk:allowed:)``.
    ///
    /// Keys are vetted one at a time, so an `oct`, `use: enc`, `RSA-OAEP`, P-521 or short RSA key
    /// next to good keys costs only itself.
    ///
    /// - Throws: ``OIDCFetchError`` when the body is not `{"keys": [...]}` or no key is usable — a
    ///   set like that is treated as a failed refresh, so the last good set stays in use.
    static func parse(jwks body: [UInt8], allowed: [JWSAlgorithm]) async throws -> OIDCKeySet {
        guard let document = JSONValue.parseObject(body),
            let entries = document["keys"]?.arrayValue
        else {
            throw OIDCFetchError("JWKS is not a JSON object with a keys array")
        }
        var keys: [OIDCVerificationKey] = []
        var skipped: [String] = []
        for (index, entry) in entries.enumerated() {
            guard let members = entry.objectValue else {
                skipped.append("#\(index): not an object")
                continue
            }
            switch await OIDCVerificationKey.make(jwk: members, allowed: allowed) {
            case .success(let key): keys.append(key)
            case .failure(let reason): skipped.append("#\(index) kid=\(members["kid"]?.stringValue ?? "-"): \(reason)")
            }
        }
        guard !keys.isEmpty else {
            throw OIDCFetchError("JWKS has no usable key (\(skipped.joined(separator: "; ")))")
        }
        return OIDCKeySet(keys: keys, skipped: skipped)
    }
}
