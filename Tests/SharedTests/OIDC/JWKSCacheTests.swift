import Crypto
import CryptoExtras
import Foundation
import Testing

@testable import Shared

/// Discovery, caching, refresh and key-set filtering, observed through the fake fetcher's counts.
@Suite struct JWKSCacheTests {
    static let rsaKey = TestKeys.rsaJWK(TestKeys.rsa, kid: "rsa-1")
    static let rsaKey2 = TestKeys.rsaJWK(TestKeys.rsa2, kid: "rsa-2")

    @Test func keysAreCachedAndDiscoveryIsRemembered() async throws {
        let f = try Fixture(keys: [Self.rsaKey])
        for offset in [0.0, 10, 100, 599] {
            _ = try await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0.addingTimeInterval(offset))
        }
        #expect(f.discoveryFetches == 1)
        #expect(f.jwksFetches == 1)
        // Default TTL is 10 minutes.
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0.addingTimeInterval(601))
        #expect(f.jwksFetches == 2)
        #expect(f.discoveryFetches == 1)
    }

    @Test func unknownKidRefetchesOnceThenCooldown() async throws {
        let f = try Fixture(keys: [Self.rsaKey])
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0)
        #expect(f.jwksFetches == 1)

        // Right after a download: within the cooldown, no new fetch.
        #expect(await verifyError(f.verifier, try Fixture.rs256(kid: "nope")) == .unknownKey(kid: "nope"))
        #expect(f.jwksFetches == 1)

        // After the cooldown: exactly one refetch …
        let t1 = Fixture.t0.addingTimeInterval(40)
        #expect(await verifyError(f.verifier, try Fixture.rs256(kid: "nope"), now: t1) == .unknownKey(kid: "nope"))
        #expect(f.jwksFetches == 2)
        // … and a flood of unknown kids within the next 30 s causes none.
        for second in 1...20 {
            let kid = "garbage-\(second)"
            #expect(await verifyError(f.verifier, try Fixture.rs256(kid: kid), now: t1.addingTimeInterval(Double(second))) == .unknownKey(kid: kid))
        }
        #expect(f.jwksFetches == 2)
        #expect(f.discoveryFetches == 1)
    }

    @Test func keyRotationNewKidAcceptedAfterRefetch() async throws {
        let f = try Fixture(keys: [Self.rsaKey])
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0)
        f.setKeys([Self.rsaKey, Self.rsaKey2])
        let t1 = Fixture.t0.addingTimeInterval(45)
        let identity = try await f.verifier.verify(token: try Fixture.rs256(kid: "rsa-2", key: TestKeys.rsa2), now: t1)
        #expect(identity.keyID == "rsa-2")
        #expect(f.jwksFetches == 2)
        // The old key still works from the new set, without another fetch.
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: t1)
        #expect(f.jwksFetches == 2)
    }

    @Test func kidlessTokenNeedsExactlyOneUsableKey() async throws {
        let one = try Fixture(keys: [TestKeys.rsaJWK(TestKeys.rsa, kid: nil)])
        #expect(try await one.verifier.verify(token: try Fixture.rs256(kid: nil), now: Fixture.t0).keyID == nil)

        // One RSA and one EC key: still exactly one candidate for RS256.
        let mixed = try Fixture(keys: [Self.rsaKey, TestKeys.p256JWK(TestKeys.p256, kid: "ec-1")])
        #expect(try await mixed.verifier.verify(token: try Fixture.rs256(kid: nil), now: Fixture.t0).subject == "user-1")

        let two = try Fixture(keys: [Self.rsaKey, Self.rsaKey2])
        #expect(await verifyError(two.verifier, try Fixture.rs256(kid: nil)) == .ambiguousKey(kid: nil))
        #expect(await verifyError(two.verifier, try Fixture.rs256(kid: nil, key: TestKeys.rsa2)) == .ambiguousKey(kid: nil))
    }

    @Test func unusableKeysAreSkippedOneByOne() async throws {
        let shortModulus = [UInt8](repeating: 0xC3, count: 128)  // 1024 bits
        let keys: [JSONValue] = [
            .object(["kty": .string("oct"), "kid": .string("hmac"), "k": .string("c2VjcmV0"), "alg": .string("HS256")]),
            TestKeys.rsaJWK(TestKeys.rsa2, kid: "enc-key", alg: "RSA-OAEP", use: "enc"),
            TestKeys.rsaJWK(TestKeys.rsa2, kid: "enc-no-alg", alg: nil, use: "enc"),
            .object(["kty": .string("RSA"), "kid": .string("short"), "n": .string(base64URL(shortModulus)), "e": .string("AQAB")]),
            .object(["kty": .string("EC"), "kid": .string("p521"), "crv": .string("P-521"), "x": .string("AA"), "y": .string("AA")]),
            .object(["kty": .string("EC"), "kid": .string("k1"), "crv": .string("secp256k1"), "alg": .string("ES256K"), "x": .string("AA"), "y": .string("AA")]),
            .object(["kty": .string("RSA"), "kid": .string("broken"), "n": .string("!!"), "e": .string("AQAB")]),
            .string("not even an object"),
            Self.rsaKey,
        ]
        let f = try Fixture(keys: keys)
        #expect(try await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0).keyID == "rsa-1")
        // The skipped keys are invisible: a token naming the encryption key is an unknown kid.
        let encKid = try Fixture.rs256(kid: "enc-key", key: TestKeys.rsa2)
        #expect(await verifyError(f.verifier, encKid) == .unknownKey(kid: "enc-key"))
        // Kid-less tokens see one usable RSA key despite the clutter.
        #expect(try await f.verifier.verify(token: try Fixture.rs256(kid: nil), now: Fixture.t0).subject == "user-1")
    }

    @Test func discoveryIssuerMismatch() async throws {
        let f = try Fixture(keys: [Self.rsaKey])
        f.fetcher.serve(
            Fixture.discoveryURL,
            json: .object(["issuer": .string("https://idp.example.com/"), "jwks_uri": .string(Fixture.jwksURL)])
        )
        let error = await verifyError(f.verifier, try Fixture.rs256())
        guard case .keyRetrievalFailed(let issuer, let reason)? = error else {
            Issue.record("expected keyRetrievalFailed, got \(String(describing: error))")
            return
        }
        #expect(issuer == Fixture.issuer)
        #expect(reason.contains("expected exactly"))
        #expect(error?.stsError.code == "IDPCommunicationError")
        #expect(error?.stsError.message.hasPrefix("Couldn't retrieve verification key from your identity provider") == true)
        #expect(f.jwksFetches == 0)
    }

    @Test func refreshFailureKeepsLastGoodKeys() async throws {
        let f = try Fixture(keys: [Self.rsaKey])
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0)
        f.fetcher.setFailing(Fixture.jwksURL, true)

        // TTL expired, refresh fails: the cached keys still verify.
        let t1 = Fixture.t0.addingTimeInterval(700)
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: t1)
        #expect(f.jwksFetches == 2)
        // The failed refresh is not retried on every request …
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: t1.addingTimeInterval(10))
        #expect(f.jwksFetches == 2)
        // … only after the cooldown (and discovery is redone, in case the IdP moved its keys).
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: t1.addingTimeInterval(31))
        #expect(f.jwksFetches == 3)
        #expect(f.discoveryFetches == 2)

        // An empty or unusable key set counts as a failure too, not as "no keys".
        f.fetcher.setFailing(Fixture.jwksURL, false)
        f.setKeys([.object(["kty": .string("oct"), "k": .string("c2VjcmV0")])])
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: t1.addingTimeInterval(100))
        #expect(f.jwksFetches == 4)
    }

    @Test func failureWithoutAnyKeysIsRateLimited() async throws {
        let f = try Fixture(keys: [Self.rsaKey])
        f.fetcher.setFailing(Fixture.jwksURL, true)
        let error = await verifyError(f.verifier, try Fixture.rs256())
        guard case .keyRetrievalFailed? = error else {
            Issue.record("expected keyRetrievalFailed, got \(String(describing: error))")
            return
        }
        #expect(await verifyError(f.verifier, try Fixture.rs256(), now: Fixture.t0.addingTimeInterval(5)) == error)
        #expect(f.jwksFetches == 1)
        f.fetcher.setFailing(Fixture.jwksURL, false)
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0.addingTimeInterval(31))
        #expect(f.jwksFetches == 2)
    }

    @Test func concurrentCallersShareOneDownload() async throws {
        let f = try Fixture(keys: [Self.rsaKey], fetcher: FakeFetcher(delay: .milliseconds(100)))
        let token = try Fixture.rs256()
        let verifier = f.verifier
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<16 {
                group.addTask { try await verifier.verify(token: token, now: Fixture.t0).subject }
            }
            for try await subject in group { #expect(subject == "user-1") }
        }
        #expect(f.discoveryFetches == 1)
        #expect(f.jwksFetches == 1)

        // Same for a burst of unknown kids after the cooldown: one refetch between them.
        f.setKeys([Self.rsaKey, Self.rsaKey2])
        let rotated = try Fixture.rs256(kid: "rsa-2", key: TestKeys.rsa2)
        let t1 = Fixture.t0.addingTimeInterval(60)
        try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<16 {
                group.addTask { try await verifier.verify(token: rotated, now: t1).keyID }
            }
            for try await kid in group { #expect(kid == "rsa-2") }
        }
        #expect(f.jwksFetches == 2)
    }

    @Test func cacheControlMaxAgeIsHonouredWithinBounds() async throws {
        let f = try Fixture(keys: [Self.rsaKey], jwksMaxAge: 120)
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0)
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0.addingTimeInterval(119))
        #expect(f.jwksFetches == 1)
        f.setKeys([Self.rsaKey], maxAge: 5)  // below the 1-minute floor
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0.addingTimeInterval(121))
        #expect(f.jwksFetches == 2)
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0.addingTimeInterval(121 + 59))
        #expect(f.jwksFetches == 2)
        f.setKeys([Self.rsaKey], maxAge: 10 * 86_400)  // above the 24-hour ceiling
        _ = try await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0.addingTimeInterval(121 + 61))
        #expect(f.jwksFetches == 3)
        // (The token itself has expired by then; the key lookup happens first.)
        _ = try? await f.verifier.verify(token: try Fixture.rs256(), now: Fixture.t0.addingTimeInterval(121 + 61 + 86_401))
        #expect(f.jwksFetches == 4)
    }

    @Test func configuredJWKSURISkipsDiscovery() async throws {
        let fetcher = FakeFetcher()
        fetcher.serve("https://keys.example.net/jwks", json: .object(["keys": .array([Self.rsaKey])]))
        let configuration = OIDCProviderConfiguration(
            name: "pinned", issuer: Fixture.issuer, audiences: [Fixture.audience], jwksURI: "https://keys.example.net/jwks"
        )
        let verifier = try OIDCVerifier(providers: [configuration], fetcher: fetcher)
        _ = try await verifier.verify(token: try Fixture.rs256(), now: Fixture.t0)
        #expect(fetcher.count(Fixture.discoveryURL) == 0)
        #expect(fetcher.count("https://keys.example.net/jwks") == 1)
        #expect(await verifier.prefetchKeys(now: Fixture.t0).isEmpty)
    }
}
