#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Crypto

/// Issues session tokens (STSServer side): an ES256 JWS over `SessionClaims`, naming its key by
/// `kid` so that S3Server can hold several verification keys while keys rotate.
public struct SessionTokenSigner: Sendable {
    public let keyID: String
    private let key: P256.Signing.PrivateKey
    private let derivation: SecretKeyDerivation

    public init(keyID: String, key: P256.Signing.PrivateKey, derivation: SecretKeyDerivation) {
        self.keyID = keyID
        self.key = key
        self.derivation = derivation
    }

    /// The id of the derivation key secrets are made with.
    public var derivationKeyID: String { derivation.id }

    /// A fresh token id.
    public static func newTokenID() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Signs `claims` and returns the token and the secret access key that goes with it.
    public func issue(_ claims: SessionClaims) throws -> (token: String, secretAccessKey: String) {
        var header: [UInt8] = Array(#"{"alg":"ES256","kid":"#.utf8)
        JSONText.appendString(keyID, to: &header)
        header.append(contentsOf: #","typ":"JWT"}"#.utf8)
        let payload = claims.jsonBytes
        let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try key.signature(for: Array(signingInput.utf8))
        let token = signingInput + "." + Base64URL.encode(signature.rawRepresentation)
        return (token, derivation.secret(accessKeyID: claims.akid, tokenID: claims.jti))
    }
}
