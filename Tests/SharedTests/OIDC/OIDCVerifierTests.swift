import Crypto
import CryptoExtras
import Foundation
import Testing

@testable import Shared

/// Signature, algorithm and claim checks of ``OIDCVerifier``.
@Suite struct OIDCVerifierTests {
    static let rsaKey = TestKeys.rsaJWK(TestKeys.rsa, kid: "rsa-1")
    static let ecKey = TestKeys.p256JWK(TestKeys.p256, kid: "ec-1")

    func fixture(allowed: [String] = ["RS256", "ES256"]) throws -> Fixture {
        try Fixture(keys: [Self.rsaKey, Self.ecKey], allowedAlgorithms: allowed)
    }

    // MARK: valid tokens

    @Test func validRS256() async throws {
        let f = try fixture()
        let identity = try await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0)
        #expect(identity.issuer == Fixture.issuer)
        #expect(identity.subject == "user-1")
        #expect(identity.audience == Fixture.audience)
        #expect(identity.expiresAt == Fixture.t0.addingTimeInterval(3600))
        #expect(identity.issuedAt == Fixture.t0.addingTimeInterval(-10))
        #expect(identity.algorithm == "RS256")
        #expect(identity.keyID == "rsa-1")
        #expect(identity.providerName == "test-idp")
        #expect(identity.claims["email"] == .string("user@example.com"))
        #expect(identity.claims["groups"] == .array([.string("dev"), .string("ops")]))
    }

    @Test func validES256() async throws {
        let f = try fixture()
        let identity = try await f.verifier.verify(token: try Fixture.es256(), now: Fixture.t0)
        #expect(identity.subject == "user-1")
        #expect(identity.algorithm == "ES256")
    }

    @Test func validPS256AndEdDSAWhenAllowed() async throws {
        let f = try Fixture(
            keys: [TestKeys.rsaJWK(TestKeys.rsa, kid: "rsa-pss", alg: nil), TestKeys.ed25519JWK(TestKeys.ed25519, kid: "ed-1")],
            allowedAlgorithms: ["PS256", "EdDSA"]
        )
        let pss = try mint(header: Fixture.header(alg: "PS256", kid: "rsa-pss"), claims: Fixture.claims(), signer: .ps256(TestKeys.rsa))
        #expect(try await f.verifier.verify(token: pss, now: Fixture.t0).algorithm == "PS256")
        let ed = try mint(header: Fixture.header(alg: "EdDSA", kid: "ed-1"), claims: Fixture.claims(), signer: .edDSA(TestKeys.ed25519))
        #expect(try await f.verifier.verify(token: ed, now: Fixture.t0).algorithm == "EdDSA")
        // RS256 is not on this issuer's list, although the key could verify it.
        #expect(await verifyError(f.verifier, try Fixture.rs256(kid: "rsa-pss")) == .unsupportedAlgorithm("RS256"))
    }

    // MARK: audience

    @Test func wrongAudience() async throws {
        let f = try fixture()
        let error = await verifyError(f.verifier, try Fixture.rs256(["aud": .string("someone-else")]))
        #expect(error == .audienceMismatch)
        #expect(error?.stsError == STSErrorDescription(code: "InvalidIdentityToken", message: "Incorrect token audience", httpStatus: 400))
    }

    @Test func arrayAudienceWithAndWithoutAzp() async throws {
        let f = try fixture()
        let aud: JSONValue = .array([.string("other-client"), .string(Fixture.audience)])
        let withoutAzp = try await f.verifier.verify(token: try Fixture.rs256(["aud": aud]), now: Fixture.t0)
        #expect(withoutAzp.audience == Fixture.audience)
        #expect(withoutAzp.audiences == ["other-client", Fixture.audience])

        let goodAzp = try await f.verifier.verify(token: try Fixture.rs256(["aud": aud, "azp": .string(Fixture.audience)]), now: Fixture.t0)
        #expect(goodAzp.authorizedParty == Fixture.audience)

        let badAzp = await verifyError(f.verifier, try Fixture.rs256(["aud": aud, "azp": .string("other-client")]))
        #expect(badAzp == .authorizedPartyMismatch)

        // A single audience with a foreign azp is normal (Google: mobile client in azp).
        let single = try await f.verifier.verify(token: try Fixture.rs256(["azp": .string("mobile-client")]), now: Fixture.t0)
        #expect(single.audience == Fixture.audience)

        #expect(await verifyError(f.verifier, try Fixture.rs256(["aud": .array([.string("a"), .string("b")])])) == .audienceMismatch)
        #expect(await verifyError(f.verifier, try Fixture.rs256(["aud": .number(1)])) == .invalidClaim("aud"))
        #expect(await verifyError(f.verifier, try Fixture.rs256(["aud": .null])) == .missingClaim("aud"))
    }

    // MARK: time

    @Test func expiredBeyondLeeway() async throws {
        let f = try fixture()
        let exp = Fixture.t0.addingTimeInterval(-61)
        let error = await verifyError(f.verifier, try Fixture.rs256(["exp": .number(exp.timeIntervalSince1970)]))
        #expect(error == .expired(expiration: exp, now: Fixture.t0))
        #expect(error?.stsError.code == "ExpiredTokenException")
        #expect(error?.stsError.message.hasPrefix("Token expired: current date/time") == true)
    }

    @Test func expiredWithinLeewayIsAccepted() async throws {
        let f = try fixture()
        let token = try Fixture.rs256(["exp": .number(Fixture.t0.timeIntervalSince1970 - 30)])
        #expect(try await f.verifier.verify(token: token, now: Fixture.t0).subject == "user-1")
    }

    @Test func notBeforeInFuture() async throws {
        let f = try fixture()
        let nbf = Fixture.t0.addingTimeInterval(120)
        #expect(await verifyError(f.verifier, try Fixture.rs256(["nbf": .number(nbf.timeIntervalSince1970)])) == .notYetValid(notBefore: nbf))
        let nearNbf = try Fixture.rs256(["nbf": .number(Fixture.t0.timeIntervalSince1970 + 30)])
        #expect(try await f.verifier.verify(token: nearNbf, now: Fixture.t0).notBefore != nil)
    }

    @Test func issuedInFuture() async throws {
        let f = try fixture()
        let iat = Fixture.t0.addingTimeInterval(300)
        #expect(await verifyError(f.verifier, try Fixture.rs256(["iat": .number(iat.timeIntervalSince1970)])) == .issuedInFuture(issuedAt: iat))
    }

    @Test func maximumTokenAge() async throws {
        let f = try Fixture(keys: [TestKeys.rsaJWK(TestKeys.rsa, kid: "rsa-1")], maxTokenAgeSeconds: 600)
        let old = Fixture.t0.addingTimeInterval(-3600)
        #expect(await verifyError(f.verifier, try Fixture.rs256(["iat": .number(old.timeIntervalSince1970)])) == .tooOld(issuedAt: old))
        #expect(await verifyError(f.verifier, try Fixture.rs256(["iat": .null])) == .missingClaim("iat"))
        let recent = Fixture.t0.addingTimeInterval(-600)
        _ = try await f.verifier.verify(token: try Fixture.rs256(["iat": .number(recent.timeIntervalSince1970)]), now: Fixture.t0)
    }

    @Test func missingOrNonNumericExp() async throws {
        let f = try fixture()
        #expect(await verifyError(f.verifier, try Fixture.rs256(["exp": .null])) == .missingClaim("exp"))
        #expect(await verifyError(f.verifier, try Fixture.rs256(["exp": .string("1800000000")])) == .invalidClaim("exp"))
        #expect(await verifyError(f.verifier, try Fixture.rs256(["nbf": .bool(true)])) == .invalidClaim("nbf"))
    }

    @Test func missingOrEmptySub() async throws {
        let f = try fixture()
        #expect(await verifyError(f.verifier, try Fixture.rs256(["sub": .null])) == .missingClaim("sub"))
        #expect(await verifyError(f.verifier, try Fixture.rs256(["sub": .string("")])) == .invalidClaim("sub"))
        #expect(await verifyError(f.verifier, try Fixture.rs256(["sub": .number(42)])) == .invalidClaim("sub"))
    }

    // MARK: issuer

    @Test func unknownIssuerCostsNoFetch() async throws {
        let f = try fixture()
        let error = await verifyError(f.verifier, try Fixture.rs256(["iss": .string("https://evil.example.com")]))
        #expect(error == .unknownIssuer("https://evil.example.com"))
        #expect(error?.stsError.message == "No OpenIDConnect provider found in your account for https://evil.example.com")
        // Issuer comparison is exact: a trailing slash is another issuer.
        #expect(await verifyError(f.verifier, try Fixture.rs256(["iss": .string(Fixture.issuer + "/")])) == .unknownIssuer(Fixture.issuer + "/"))
        #expect(await verifyError(f.verifier, try Fixture.rs256(["iss": .null])) == .missingClaim("iss"))
        #expect(f.discoveryFetches == 0 && f.jwksFetches == 0)
    }

    // MARK: signature and algorithm attacks

    @Test func tamperedPayload() async throws {
        let f = try fixture()
        let good = try Fixture.rs256()
        let parts = good.split(separator: ".")
        let forged = base64URL(jsonBytes(.object(Fixture.claims(["sub": .string("admin")]))))
        let tampered = "\(parts[0]).\(forged).\(parts[2])"
        #expect(await verifyError(f.verifier, tampered) == .invalidSignature)
        // An empty or truncated signature fails the same way.
        #expect(await verifyError(f.verifier, "\(parts[0]).\(parts[1]).") == .invalidSignature)
    }

    @Test func algNoneIsRejected() async throws {
        let f = try fixture()
        let token = try mint(header: ["alg": .string("none")], claims: Fixture.claims(), signer: .unsigned)
        let error = await verifyError(f.verifier, token)
        #expect(error == .unsupportedAlgorithm("none"))
        #expect(error?.stsError.code == "InvalidIdentityToken")
        let withKid = try mint(header: Fixture.header(alg: "none", kid: "rsa-1"), claims: Fixture.claims(), signer: .unsigned)
        #expect(await verifyError(f.verifier, withKid) == .unsupportedAlgorithm("none"))
    }

    @Test func hs256SignedWithPublicKeyIsRejected() async throws {
        let f = try fixture()
        // The classic algorithm-confusion attack: HMAC keyed with the IdP's public key bytes.
        for secret in [Array(TestKeys.rsa.publicKey.pemRepresentation.utf8), Array(TestKeys.rsa.publicKey.derRepresentation)] {
            let token = try mint(header: Fixture.header(alg: "HS256", kid: "rsa-1"), claims: Fixture.claims(), signer: .hs256(secret))
            #expect(await verifyError(f.verifier, token) == .unsupportedAlgorithm("HS256"))
        }
    }

    @Test func algorithmMustFitTheKey() async throws {
        let f = try fixture()
        // ES256 header naming the RSA key.
        let esOnRSA = try mint(header: Fixture.header(alg: "ES256", kid: "rsa-1"), claims: Fixture.claims(), signer: .es256(TestKeys.p256))
        #expect(await verifyError(f.verifier, esOnRSA) == .unsupportedAlgorithm("ES256"))
        // RS256 header naming the EC key.
        let rsOnEC = try Fixture.rs256(kid: "ec-1")
        #expect(await verifyError(f.verifier, rsOnEC) == .unsupportedAlgorithm("RS256"))
        // The JWK says RS256; a PS256 token with that kid is refused even though PS256 is allowed.
        let g = try fixture(allowed: ["RS256", "PS256"])
        let pss = try mint(header: Fixture.header(alg: "PS256", kid: "rsa-1"), claims: Fixture.claims(), signer: .ps256(TestKeys.rsa))
        #expect(await verifyError(g.verifier, pss) == .unsupportedAlgorithm("PS256"))
    }

    @Test func unknownKidNeverFallsBackToAnotherKey() async throws {
        // jwt-kit alone would verify this with its default key; here the kid must match exactly.
        let f = try fixture()
        let token = try Fixture.rs256(kid: "not-published")
        #expect(await verifyError(f.verifier, token) == .unknownKey(kid: "not-published"))
    }

    @Test func signatureByAnotherKeyUnderAKnownKid() async throws {
        let f = try fixture()
        #expect(await verifyError(f.verifier, try Fixture.rs256(key: TestKeys.rsa2)) == .invalidSignature)
    }

    @Test func critHeaderAndMalformedTokens() async throws {
        let f = try fixture()
        var header = Fixture.header(alg: "RS256", kid: "rsa-1")
        header["crit"] = .array([.string("exp")])
        let crit = try mint(header: header, claims: Fixture.claims(), signer: .rs256(TestKeys.rsa))
        #expect(await verifyError(f.verifier, crit) == .unsupportedCriticalHeader)

        for garbage in ["", "a.b", "a.b.c.d", "!!.e30.", "e30.e30.", "W10.e30.sig", String(repeating: "a", count: 40_000)] {
            guard case .malformedToken? = await verifyError(f.verifier, garbage) else {
                Issue.record("expected malformedToken for \(garbage.prefix(20))")
                continue
            }
        }
        #expect(f.jwksFetches == 0)
    }
}
