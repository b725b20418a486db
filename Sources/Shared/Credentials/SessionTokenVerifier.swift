#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Crypto

/// Checks session tokens (S3Server side) with public keys only, and derives the session's
/// secret so the request signature can be verified.
public struct SessionTokenVerifier: Sendable {
    private let verificationKeys: [String: P256.Signing.PublicKey]
    private let derivations: [String: SecretKeyDerivation]

    public init(verificationKeys: [String: P256.Signing.PublicKey], derivations: [SecretKeyDerivation]) {
        self.verificationKeys = verificationKeys
        var byID: [String: SecretKeyDerivation] = [:]
        for derivation in derivations { byID[derivation.id] = derivation }
        self.derivations = byID
    }

    /// A verified session and its secret.
    public struct Session: Sendable {
        public let claims: SessionClaims
        public let secretAccessKey: String
    }

    /// Verifies `token` for a request signed with `accessKeyID` at `now` (epoch seconds).
    ///
    /// The signature is checked before anything in the payload is trusted; the access key id
    /// comparison is constant-time.
    public func verify(token: String, accessKeyID: String, now: Int64) throws(SessionTokenError) -> Session {
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count < 16 * 1024 else { throw .malformed }
        guard let headerBytes = Base64URL.decode(Substring(parts[0])),
            let header = try? JSONDecoder().decode(TokenHeader.self, from: Data(headerBytes))
        else { throw .malformed }
        guard header.alg == "ES256", header.typ == nil || header.typ == "JWT" else { throw .malformed }
        guard let key = verificationKeys[header.kid] else { throw .unknownKey }
        guard let signatureBytes = Base64URL.decode(Substring(parts[2])),
            let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signatureBytes)
        else { throw .malformed }
        let signingInput = token.utf8[parts[0].startIndex..<parts[1].endIndex]
        guard key.isValidSignature(signature, for: Array(signingInput)) else { throw .badSignature }
        guard let payloadBytes = Base64URL.decode(Substring(parts[1])),
            let claims = try? JSONDecoder().decode(SessionClaims.self, from: Data(payloadBytes)),
            claims.v == 1, claims.iss == SessionClaims.issuer
        else { throw .malformed }
        guard ConstantTime.equals(claims.akid, accessKeyID) else { throw .wrongAccessKey }
        guard now < claims.exp else { throw .expired }
        guard let derivation = derivations[claims.dkid] else { throw .unknownDerivationKey }
        return Session(claims: claims, secretAccessKey: derivation.secret(accessKeyID: claims.akid, tokenID: claims.jti))
    }

    private struct TokenHeader: Decodable {
        let alg: String
        let kid: String
        let typ: String?
    }
}
