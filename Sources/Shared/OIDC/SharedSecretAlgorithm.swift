import JWTKit

/// The HMAC JWS algorithms, accepted only from a provider that has an explicitly configured
/// shared secret.
///
/// Kept apart from ``JWSAlgorithm`` on purpose: keys from a JWKS can never verify these, so a
/// token cannot make Portcullis feed an issuer's *public* key bytes to an HMAC verifier (the
/// algorithm-confusion attack of RFC 8725 §2.1). The only HMAC key is the one the operator
/// configured for that provider.
public enum SharedSecretAlgorithm: String, Sendable, Hashable, CaseIterable {
    case hs256 = "HS256"
    case hs384 = "HS384"
    case hs512 = "HS512"

    /// The shortest secret this algorithm may use: the hash output size (RFC 7518 §3.2).
    public var minimumSecretBytes: Int {
        switch self {
        case .hs256: 32
        case .hs384: 48
        case .hs512: 64
        }
    }

    var digest: DigestAlgorithm {
        switch self {
        case .hs256: .sha256
        case .hs384: .sha384
        case .hs512: .sha512
        }
    }
}

/// A provider's shared secret for HS* tokens. Its description never shows the bytes, so the
/// configuration can be logged or compared without leaking it.
public struct OIDCSharedSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var count: Int { bytes.count }
    public var description: String { "<shared secret, \(bytes.count) bytes>" }
    public var debugDescription: String { description }
}

/// Verifies HS* tokens of one provider with its configured secret.
struct SharedSecretVerifier: Sendable {
    let secret: OIDCSharedSecret
    let algorithms: [SharedSecretAlgorithm]

    /// A jwt-kit signer holding only the configured secret for `algorithm`, or `nil` when the
    /// provider does not allow it. Built per call: jwt-kit collections are actors that need an
    /// `await` to fill, and HS* providers are rare enough that this costs nothing that matters.
    func verifier(for algorithm: SharedSecretAlgorithm) async -> (any JWTAlgorithm)? {
        guard algorithms.contains(algorithm) else { return nil }
        let collection = await JWTKeyCollection().add(hmac: HMACKey(from: secret.bytes), digestAlgorithm: algorithm.digest)
        return try? await collection.getKey()
    }
}
