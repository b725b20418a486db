/// The asymmetric JWS algorithms Portcullis accepts for OIDC ID tokens.
///
/// The list is closed on purpose (RFC 8725 §3.1): `none` and the `HS*` family cannot be expressed,
/// so a token header can never select an unsigned or shared-secret verifier — the classic
/// algorithm-confusion attack feeds the IdP's *public* key bytes to an HMAC verifier.
public enum JWSAlgorithm: String, Sendable, Hashable, CaseIterable {
    case rs256 = "RS256"
    case rs384 = "RS384"
    case rs512 = "RS512"
    case ps256 = "PS256"
    case ps384 = "PS384"
    case ps512 = "PS512"
    case es256 = "ES256"
    case es384 = "ES384"
    case edDSA = "EdDSA"

    /// The JWK `kty` a key must have to verify this algorithm.
    var keyType: String {
        switch self {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: "RSA"
        case .es256, .es384: "EC"
        case .edDSA: "OKP"
        }
    }

    /// The JWK `crv` a key must have, for the curve-based algorithms.
    var curve: String? {
        switch self {
        case .es256: "P-256"
        case .es384: "P-384"
        case .edDSA: "Ed25519"
        default: nil
        }
    }
}
