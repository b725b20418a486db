import Foundation
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto
import Shared

/// A local OIDC issuer for development (`devIssuer.enabled`): STSServer serves its discovery
/// document and JWKS under `/dev-issuer/`, and `STSServer dev-token` mints tokens with the same
/// key file. Tokens are verified through the ordinary provider path (discovery, JWKS, audience),
/// so development exercises the production code.
struct DevIssuer: Sendable {
    static let pathPrefix = "/dev-issuer"
    static let keyID = "dev-issuer-1"

    let issuer: String
    let audience: String
    private let key: P256.Signing.PrivateKey

    init(config: PortcullisConfiguration) throws {
        let path = config.path(config.devIssuer.keyFile)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw config.error("devIssuer.keyFile", "cannot read \(path) (run `STSServer keygen --dev-issuer` or `make keys`)")
        }
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: String(decoding: data, as: UTF8.self))
        } catch {
            throw config.error("devIssuer.keyFile", "\(path) is not a P-256 PEM private key")
        }
        issuer = Self.issuerURL(config: config)
        audience = config.devIssuer.audience
    }

    /// `http://<sts.listen>/dev-issuer`: the URL providers must list to trust the dev issuer.
    static func issuerURL(config: PortcullisConfiguration) -> String {
        "http://\(config.sts.listen)\(pathPrefix)"
    }

    var discoveryDocument: String {
        """
        {"issuer":"\(issuer)","jwks_uri":"\(issuer)/jwks.json","response_types_supported":["id_token"],\
        "subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256"]}
        """
    }

    var jwks: String {
        let raw = Array(key.publicKey.rawRepresentation)
        let x = Base64URL.encode(raw[0..<32])
        let y = Base64URL.encode(raw[32..<64])
        return #"{"keys":[{"kty":"EC","crv":"P-256","use":"sig","alg":"ES256","kid":"\#(Self.keyID)","x":"\#(x)","y":"\#(y)"}]}"#
    }

    /// Mints an ES256 ID token for `subject`, valid for `ttl` seconds.
    func mint(subject: String, ttl: Int64, extraClaims: [String: String] = [:], now: Int64 = ISO8601.now()) throws -> String {
        var payload: [String: Any] = [
            "iss": issuer, "sub": subject, "aud": audience, "iat": now, "nbf": now, "exp": now + ttl,
            "jti": SessionTokenSigner.newTokenID(),
        ]
        for (name, value) in extraClaims { payload[name] = value }
        let payloadData = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        let header = #"{"alg":"ES256","kid":"\#(Self.keyID)","typ":"JWT"}"#
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(payloadData)
        let signature = try key.signature(for: Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }
}
