import Crypto
import Foundation
import Testing

@testable import Shared

/// The security core: tokens bind their claims, verification needs only public keys, and the
/// secret cannot be computed from the public values.
@Suite struct SessionCredentialsTests {
    let signingKey = P256.Signing.PrivateKey()
    let derivation = try! SecretKeyDerivation(id: "d1", keyBytes: Array(repeating: 7, count: 32))

    func makeSigner() -> SessionTokenSigner { SessionTokenSigner(keyID: "k1", key: signingKey, derivation: derivation) }
    func makeVerifier(keys: [String: P256.Signing.PublicKey]? = nil, derivations: [SecretKeyDerivation]? = nil) -> SessionTokenVerifier {
        SessionTokenVerifier(verificationKeys: keys ?? ["k1": signingKey.publicKey], derivations: derivations ?? [derivation])
    }

    func claims(akid: String = AccessKeyID.generate(), exp: Int64 = 2_000_000_000) -> SessionClaims {
        SessionClaims(
            akid: akid, jti: SessionTokenSigner.newTokenID(), iat: 1_700_000_000, exp: exp,
            role: "arn:aws:iam::123456789012:role/dev", rsn: "alice", sub: "alice-sub", oiss: "https://idp.example",
            oaud: "portcullis", dkid: "d1", claims: ["groups": ["eng", "ops"]], tags: ["team": "data"])
    }

    @Test func roundTripBindsEveryClaim() throws {
        let original = claims()
        let issued = try makeSigner().issue(original)
        let session = try makeVerifier().verify(token: issued.token, accessKeyID: original.akid, now: 1_800_000_000)
        #expect(session.claims == original)
        #expect(session.secretAccessKey == issued.secretAccessKey)
        #expect(issued.secretAccessKey.utf8.count == 40)
    }

    @Test func accessKeyIDsLookLikeAWSTemporaryKeys() {
        for _ in 0..<100 {
            let akid = AccessKeyID.generate()
            #expect(AccessKeyID.isWellFormed(akid), "\(akid)")
            #expect(akid.hasPrefix("ASIA"))
            #expect(akid.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x32 && $0 <= 0x37) })
        }
        #expect(!AccessKeyID.isWellFormed("AKIAIOSFODNN7EXAMPLE"))
        #expect(!AccessKeyID.isWellFormed("ASIA0000000000000000"))
    }

    @Test func tamperedPayloadIsRejected() throws {
        let original = claims()
        let token = try makeSigner().issue(original).token
        var parts = token.split(separator: ".").map(String.init)
        var payload = try #require(Base64URL.decode(Substring(parts[1])))
        let text = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "role/dev", with: "role/adm")
        payload = Array(text.utf8)
        parts[1] = Base64URL.encode(payload)
        #expect(throws: SessionTokenError.badSignature) {
            try makeVerifier().verify(token: parts.joined(separator: "."), accessKeyID: original.akid, now: 1_800_000_000)
        }
    }

    @Test func unknownKeyIsRejected() throws {
        let original = claims()
        let other = SessionTokenSigner(keyID: "k2", key: P256.Signing.PrivateKey(), derivation: derivation)
        let token = try other.issue(original).token
        #expect(throws: SessionTokenError.unknownKey) {
            try makeVerifier().verify(token: token, accessKeyID: original.akid, now: 1_800_000_000)
        }
    }

    @Test func keyWithTheRightIDButWrongMaterialIsRejected() throws {
        let original = claims()
        let impostor = SessionTokenSigner(keyID: "k1", key: P256.Signing.PrivateKey(), derivation: derivation)
        let token = try impostor.issue(original).token
        #expect(throws: SessionTokenError.badSignature) {
            try makeVerifier().verify(token: token, accessKeyID: original.akid, now: 1_800_000_000)
        }
    }

    @Test func expiredTokenIsRejected() throws {
        let original = claims(exp: 1_800_000_000)
        let token = try makeSigner().issue(original).token
        #expect(throws: SessionTokenError.expired) {
            try makeVerifier().verify(token: token, accessKeyID: original.akid, now: 1_800_000_000)
        }
    }

    @Test func tokenOnlyWorksWithItsOwnAccessKey() throws {
        let original = claims()
        let token = try makeSigner().issue(original).token
        #expect(throws: SessionTokenError.wrongAccessKey) {
            try makeVerifier().verify(token: token, accessKeyID: AccessKeyID.generate(), now: 1_800_000_000)
        }
    }

    @Test(arguments: ["", "a.b", "a.b.c", "....", "eyJhbGciOiJub25lIn0.e30."])
    func malformedTokensAreRejected(token: String) {
        #expect(throws: SessionTokenError.self) {
            try makeVerifier().verify(token: token, accessKeyID: "ASIAAAAAAAAAAAAAAAAA", now: 0)
        }
    }

    @Test func algNoneIsRejected() throws {
        let original = claims()
        let token = try makeSigner().issue(original).token
        let parts = token.split(separator: ".")
        let header = Base64URL.encode(Array(#"{"alg":"none","kid":"k1","typ":"JWT"}"#.utf8))
        #expect(throws: SessionTokenError.malformed) {
            try makeVerifier().verify(token: header + "." + parts[1] + ".", accessKeyID: original.akid, now: 1_800_000_000)
        }
    }

    /// The secret depends on the derivation key: with the public values alone (access key id,
    /// token, token id, verification key) and any other key, a different secret comes out.
    @Test func secretIsNotDerivableWithoutTheDerivationKey() throws {
        let original = claims()
        let issued = try makeSigner().issue(original)
        let guess = try SecretKeyDerivation(id: "d1", keyBytes: Array(repeating: 0, count: 32))
        #expect(guess.secret(accessKeyID: original.akid, tokenID: original.jti) != issued.secretAccessKey)
        // Nor is it any simple function of the public values.
        let publicValues = [original.akid, original.jti, issued.token]
        for value in publicValues {
            #expect(!issued.secretAccessKey.contains(String(value.prefix(8))))
            #expect(Base64.encode(Array(value.utf8)).prefix(40) != issued.secretAccessKey.prefix(40))
            #expect(Base64.encode(Array(SHA256.hash(data: Array(value.utf8)))).prefix(40) != issued.secretAccessKey.prefix(40))
        }
        // A verifier without the derivation key cannot produce it at all.
        #expect(throws: SessionTokenError.unknownDerivationKey) {
            try makeVerifier(derivations: [guess].map { _ in try! SecretKeyDerivation(id: "other", keyBytes: Array(repeating: 1, count: 32)) })
                .verify(token: issued.token, accessKeyID: original.akid, now: 1_800_000_000)
        }
    }

    @Test func secretsDifferPerSession() throws {
        let a = try makeSigner().issue(claims())
        let b = try makeSigner().issue(claims())
        #expect(a.secretAccessKey != b.secretAccessKey)
    }

    @Test func rotationKeepsOldKeysVerifying() throws {
        let newKey = P256.Signing.PrivateKey()
        let oldClaims = claims()
        let oldToken = try makeSigner().issue(oldClaims).token
        let newSigner = SessionTokenSigner(keyID: "k2", key: newKey, derivation: derivation)
        let newClaims = claims()
        let newToken = try newSigner.issue(newClaims).token
        let verifier = makeVerifier(keys: ["k1": signingKey.publicKey, "k2": newKey.publicKey])
        #expect(throws: Never.self) { try verifier.verify(token: oldToken, accessKeyID: oldClaims.akid, now: 1_800_000_000) }
        #expect(throws: Never.self) { try verifier.verify(token: newToken, accessKeyID: newClaims.akid, now: 1_800_000_000) }
    }

    @Test func shortDerivationKeysAreRefused() {
        #expect(throws: SessionKeyError.self) { try SecretKeyDerivation(id: "x", keyBytes: Array(repeating: 1, count: 16)) }
    }

    @Test func keygenWritesLoadableFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let written = try SessionKeyMaterial.generate(in: dir, id: "t1", devIssuer: true)
        #expect(written.count == 4)
        #expect(try SessionKeyMaterial.generate(in: dir, id: "t1", devIssuer: true).isEmpty)
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(dir)/session-signing-t1.pem")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        var config = PortcullisConfiguration()
        config.sourcePath = "test.yaml"
        config.baseDirectory = dir
        config.sessionKeys.signing = .init(id: "t1", file: "session-signing-t1.pem")
        config.sessionKeys.verification = [.init(id: "t1", file: "session-signing-t1.pub.pem")]
        config.sessionKeys.derivation = [.init(id: "t1", file: "derivation-t1.key")]
        let signer = try SessionKeyMaterial.signer(from: config)
        let verifier = try SessionKeyMaterial.verifier(from: config)
        var session = claims()
        session.dkid = "t1"
        let issued = try signer.issue(session)
        #expect(try verifier.verify(token: issued.token, accessKeyID: session.akid, now: 1_800_000_000).secretAccessKey == issued.secretAccessKey)
    }
}
