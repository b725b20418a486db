import Crypto
import Foundation
import Testing

@testable import Shared

/// HS* tokens: accepted only from a provider with an explicitly configured shared secret, and
/// verified with that secret only, never with a published key.
@Suite struct SharedSecretTests {
    static let secret = Array("a shared secret of at least 32 bytes, for HS256".utf8)

    @Test func hs256VerifiesWithTheConfiguredSecret() async throws {
        let f = try Fixture(keys: [], allowedAlgorithms: ["HS256"], sharedSecret: Self.secret)
        let token = try mint(header: Fixture.header(alg: "HS256", kid: nil), claims: Fixture.claims(), signer: .hs256(Self.secret))
        let identity = try await f.verifier.verify(token: token, now: Fixture.t0)
        #expect(identity.subject == "user-1")
        // No JWKS is needed for a provider that only takes HS*, so none is fetched.
        #expect(f.jwksFetches == 0)
        #expect(f.discoveryFetches == 0)
        #expect(await f.verifier.prefetchKeys(now: Fixture.t0).isEmpty)
        #expect(f.jwksFetches == 0)
    }

    @Test func aWrongSecretOrATamperedTokenFails() async throws {
        let f = try Fixture(keys: [], allowedAlgorithms: ["HS256"], sharedSecret: Self.secret)
        let other = Array("another shared secret of 32+ bytes, not ours".utf8)
        let forged = try mint(header: Fixture.header(alg: "HS256", kid: nil), claims: Fixture.claims(), signer: .hs256(other))
        #expect(await verifyError(f.verifier, forged) == .invalidSignature)
        let token = try mint(header: Fixture.header(alg: "HS256", kid: nil), claims: Fixture.claims(), signer: .hs256(Self.secret))
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = base64URL(jsonBytes(.object(Fixture.claims(["sub": .string("admin")]))))
        #expect(await verifyError(f.verifier, parts.joined(separator: ".")) == .invalidSignature)
    }

    /// Algorithm confusion: an HS256 token "signed" with the issuer's public key bytes must not
    /// verify, whether or not the provider has a secret.
    @Test func publishedKeysNeverVerifyHMACTokens() async throws {
        let publicKeyBytes = Array(TestKeys.rsa.publicKey.derRepresentation)
        let confused = try mint(header: Fixture.header(alg: "HS256", kid: "rsa-1"), claims: Fixture.claims(), signer: .hs256(publicKeyBytes))
        let withSecret = try Fixture(keys: [TestKeys.rsaJWK(TestKeys.rsa, kid: "rsa-1")], allowedAlgorithms: ["RS256", "HS256"], sharedSecret: Self.secret)
        #expect(await verifyError(withSecret.verifier, confused) == .invalidSignature)
        let withoutSecret = try Fixture(keys: [TestKeys.rsaJWK(TestKeys.rsa, kid: "rsa-1")])
        #expect(await verifyError(withoutSecret.verifier, confused) == .unsupportedAlgorithm("HS256"))
        // RS256 keeps working next to HS256.
        let rs = try Fixture.rs256()
        #expect(try await withSecret.verifier.verify(token: rs, now: Fixture.t0).subject == "user-1")
    }

    @Test func onlyTheListedHMACAlgorithmsAreAccepted() async throws {
        let long = Array(repeating: UInt8(7), count: 64)
        let f = try Fixture(keys: [], allowedAlgorithms: ["HS512"], sharedSecret: long)
        let hs256 = try mint(header: Fixture.header(alg: "HS256", kid: nil), claims: Fixture.claims(), signer: .hs256(long))
        #expect(await verifyError(f.verifier, hs256) == .unsupportedAlgorithm("HS256"))
        let none = try mint(header: Fixture.header(alg: "none", kid: nil), claims: Fixture.claims(), signer: .unsigned)
        #expect(await verifyError(f.verifier, none) == .unsupportedAlgorithm("none"))
    }

    /// (algorithms, secret length, the field the error names)
    @Test(arguments: [
        (["HS256"], nil as Int?, "allowedAlgorithms"),
        (["HS256"], 31, "sharedSecret"),
        (["HS384"], 47, "sharedSecret"),
        (["HS512"], 63, "sharedSecret"),
        (["RS256"], 32, "sharedSecret"),
        (["none"], 64, "allowedAlgorithms"),
    ])
    func configurationRefusesWeakOrPointlessSecrets(algorithms: [String], length: Int?, field: String) {
        let configuration = OIDCProviderConfiguration(
            name: "idp", issuer: "https://idp.example.com", audiences: ["a"], allowedAlgorithms: algorithms,
            sharedSecret: length.map { OIDCSharedSecret(Array(repeating: 1, count: $0)) })
        #expect(throws: OIDCConfigurationError.self) { try configuration.validate() }
        do {
            try configuration.validate()
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func theSecretNeverShowsInDescriptions() {
        let configuration = OIDCProviderConfiguration(
            name: "idp", issuer: "https://idp.example.com", audiences: ["a"], allowedAlgorithms: ["HS256"],
            sharedSecret: OIDCSharedSecret(Self.secret))
        #expect(!String(describing: configuration).contains("shared secret of at least"))
        #expect(!String(reflecting: configuration).contains("shared secret of at least"))
    }
}
