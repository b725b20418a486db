import Crypto
import JWTKit

/// One public key from an issuer's JWKS that Portcullis can use, bound to the algorithms it may verify.
///
/// jwt-kit's own JWKS handling has three traps (swift-stack.md §5): one unsupported key makes
/// `add(jwksJSON:)` reject the whole set; an unknown `kid` silently falls back to the default
/// key; and the header `alg` is never compared with the key. So each JWK is vetted here on its
/// own, and for every algorithm it may verify it gets a *private* jwt-kit signer bound to that
/// one key with that one algorithm. Whatever `kid` or `alg` a token claims, jwt-kit can then only
/// ever use the key and algorithm this type chose.
///
/// The signer is taken out of its `JWTKeyCollection` once, at load: the collection is an actor,
/// and verifying through it would run every token of one key one after the other (and decode
/// the payload a second time), which capped AssumeRoleWithWebIdentity at one core.
struct OIDCVerificationKey: Sendable {
    /// The JWK `kid`, when present.
    let kid: String?
    /// The JWK `kty`: `RSA`, `EC` or `OKP`.
    let keyType: String
    private let verifiers: [JWSAlgorithm: any JWTAlgorithm]

    /// The algorithms this key may verify: compatible with its `kty`/`crv`, equal to its `alg`
    /// when the JWK names one, and in the issuer's allow-list.
    var algorithms: Set<JWSAlgorithm> { Set(verifiers.keys) }

    /// A jwt-kit signer for only this key and `algorithm`; `nil` when this key may not verify
    /// `algorithm`.
    func verifier(for algorithm: JWSAlgorithm) -> (any JWTAlgorithm)? {
        verifiers[algorithm]
    }

    /// Vets one JWK and builds its verifiers.
    ///
    /// - Parameters:
    ///   - jwk: the JWK's members, as found in the key set.
    ///   - allowed: the issuer's algorithm allow-list.
    /// - Returns: the key, or why it was skipped (for logs).
    static func make(jwk: [String: JSONValue], allowed: [JWSAlgorithm]) async -> Result<Self, SkipReason> {
        guard let kty = jwk["kty"]?.stringValue else { return .failure(.init("no kty")) }
        let kid = jwk["kid"]?.stringValue
        if let use = jwk["use"]?.stringValue, use != "sig" {
            return .failure(.init("use is \(use)"))
        }
        if let operations = jwk["key_ops"]?.arrayValue, !operations.contains(.string("verify")) {
            return .failure(.init("key_ops lacks verify"))
        }
        var declared: JWSAlgorithm?
        if let alg = jwk["alg"] {
            guard let name = alg.stringValue, let algorithm = JWSAlgorithm(rawValue: name) else {
                return .failure(.init("unsupported alg \(alg.scalarText ?? "?")"))
            }
            declared = algorithm
        }
        let curve = jwk["crv"]?.stringValue
        let usable = allowed.filter { algorithm in
            algorithm.keyType == kty
                && (algorithm.curve == nil || algorithm.curve == curve)
                && (declared == nil || declared == algorithm)
        }
        guard !usable.isEmpty else {
            return .failure(.init("kty \(kty) crv \(curve ?? "-") alg \(declared?.rawValue ?? "-") fits no allowed algorithm"))
        }

        var verifiers: [JWSAlgorithm: any JWTAlgorithm] = [:]
        do {
            switch kty {
            case "RSA":
                guard let n = jwk["n"]?.stringValue, let e = jwk["e"]?.stringValue else {
                    return .failure(.init("RSA key without n or e"))
                }
                guard let modulus = CompactJWS.base64URLDecode(n.utf8) else {
                    return .failure(.init("RSA modulus is not base64url"))
                }
                guard Self.bitLength(modulus) >= 2048 else {
                    return .failure(.init("RSA key shorter than 2048 bits"))
                }
                let key = try Insecure.RSA.PublicKey(modulus: n, exponent: e)
                for algorithm in usable {
                    let collection = JWTKeyCollection()
                    switch algorithm {
                    case .rs256: await collection.add(rsa: key, digestAlgorithm: .sha256)
                    case .rs384: await collection.add(rsa: key, digestAlgorithm: .sha384)
                    case .rs512: await collection.add(rsa: key, digestAlgorithm: .sha512)
                    case .ps256: await collection.add(pss: key, digestAlgorithm: .sha256)
                    case .ps384: await collection.add(pss: key, digestAlgorithm: .sha384)
                    case .ps512: await collection.add(pss: key, digestAlgorithm: .sha512)
                    case .es256, .es384, .edDSA: continue
                    }
                    verifiers[algorithm] = try await collection.getKey()
                }
            case "EC":
                guard let x = jwk["x"]?.stringValue, let y = jwk["y"]?.stringValue else {
                    return .failure(.init("EC key without x or y"))
                }
                for algorithm in usable {
                    let collection = JWTKeyCollection()
                    switch algorithm {
                    case .es256:
                        let key = try ES256PublicKey(parameters: (x, y))
                        await collection.add(ecdsa: key)
                    case .es384:
                        let key = try ES384PublicKey(parameters: (x, y))
                        await collection.add(ecdsa: key)
                    default: continue
                    }
                    verifiers[algorithm] = try await collection.getKey()
                }
            case "OKP":
                guard let x = jwk["x"]?.stringValue else { return .failure(.init("OKP key without x")) }
                let key = try EdDSA.PublicKey(x: x, curve: .ed25519)
                let collection = JWTKeyCollection()
                await collection.add(eddsa: key)
                verifiers[.edDSA] = try await collection.getKey()
            default:
                return .failure(.init("unsupported kty \(kty)"))
            }
        } catch {
            return .failure(.init("key material rejected: \(error)"))
        }
        guard !verifiers.isEmpty else { return .failure(.init("no verifier could be built")) }
        return .success(Self(kid: kid, keyType: kty, verifiers: verifiers))
    }

    /// Significant bits of a big-endian unsigned integer.
    static func bitLength(_ bytes: [UInt8]) -> Int {
        guard let first = bytes.firstIndex(where: { $0 != 0 }) else { return 0 }
        return (bytes.count - first) * 8 - bytes[first].leadingZeroBitCount
    }

    /// Why a JWK was left out of the usable set.
    struct SkipReason: Error, Sendable, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
