import Foundation
import Testing

@testable import Shared

/// Small pieces: configuration validation, base64url, Cache-Control, JSON values, error mapping.
@Suite struct OIDCUnitTests {
    @Test func configurationDefaultsAndValidation() throws {
        let good = OIDCProviderConfiguration(name: "idp", issuer: "https://idp.example.com", audiences: ["a"])
        #expect(good.allowedAlgorithms == ["RS256", "ES256"])
        #expect(good.clockLeewaySeconds == 60)
        #expect(try good.validate() == .init(published: [.rs256, .es256]))
        #expect(good.discoveryURL == "https://idp.example.com/.well-known/openid-configuration")
        var slash = good
        slash.issuer = "https://idp.example.com/tenant/"
        #expect(slash.discoveryURL == "https://idp.example.com/tenant/.well-known/openid-configuration")

        for bad in ["none", "HS256", "HS512", "ES256K", "RSA-OAEP", "rs256"] {
            var configuration = good
            configuration.allowedAlgorithms = [bad]
            #expect(throws: OIDCConfigurationError.self) { try configuration.validate() }
        }
        var noAudience = good
        noAudience.audiences = []
        #expect(throws: OIDCConfigurationError.self) { try noAudience.validate() }
        var badIssuer = good
        badIssuer.issuer = "idp.example.com"
        #expect(throws: OIDCConfigurationError.self) { try badIssuer.validate() }

        // The registry reports the provider index and refuses duplicate issuers.
        do {
            _ = try OIDCVerifier(providers: [good, good], fetcher: FakeFetcher())
            Issue.record("duplicate issuer accepted")
        } catch {
            #expect(error.field == "providers[1].issuer")
        }
        var hs = good
        hs.allowedAlgorithms = ["RS256", "HS256"]
        do {
            _ = try OIDCVerifier(providers: [hs], fetcher: FakeFetcher())
            Issue.record("HS256 accepted")
        } catch {
            #expect(error.description.hasPrefix("providers[0].allowedAlgorithms: \"HS256\" is refused"))
        }
    }

    @Test func base64URLDecoding() {
        #expect(CompactJWS.base64URLDecode("".utf8) == [])
        #expect(CompactJWS.base64URLDecode("YQ".utf8) == Array("a".utf8))
        #expect(CompactJWS.base64URLDecode("YWI".utf8) == Array("ab".utf8))
        #expect(CompactJWS.base64URLDecode("YWJj".utf8) == Array("abc".utf8))
        #expect(CompactJWS.base64URLDecode("-_8".utf8) == [0xFB, 0xFF])
        #expect(CompactJWS.base64URLDecode("YQ==".utf8) == nil)  // no padding in JWS
        #expect(CompactJWS.base64URLDecode("+/8".utf8) == nil)  // standard alphabet refused
        #expect(CompactJWS.base64URLDecode("Y".utf8) == nil)  // impossible length
        #expect(CompactJWS.base64URLDecode("YR".utf8) == nil)  // non-zero trailing bits
    }

    @Test func cacheControlMaxAge() {
        #expect(HTTPDocumentFetcher.maxAge([]) == nil)
        #expect(HTTPDocumentFetcher.maxAge(["public, max-age=3600"]) == 3600)
        #expect(HTTPDocumentFetcher.maxAge(["public", "Max-Age = \"120\" , must-revalidate"]) == 120)
        #expect(HTTPDocumentFetcher.maxAge(["max-age=abc"]) == nil)
        #expect(HTTPDocumentFetcher.maxAge(["no-store, max-age=600"]) == 0)
        #expect(HTTPDocumentFetcher.maxAge(["max-age=600, no-cache"]) == 0)
    }

    @Test func jsonValueRoundTripAndScalarText() throws {
        let text = #"{"s":"x","i":1700000000,"f":1.5,"b":true,"n":null,"a":[1,"two"],"o":{"k":false}}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(value["s"] == .string("x"))
        #expect(value["i"] == .number(1_700_000_000))
        #expect(value["b"] == .bool(true))
        #expect(value["n"] == .null)
        #expect(value["a"] == .array([.number(1), .string("two")]))
        #expect(value["o"]?["k"] == .bool(false))
        #expect(value["i"]?.scalarText == "1700000000")
        #expect(value["f"]?.scalarText == "1.5")
        #expect(value["b"]?.scalarText == "true")
        #expect(value["a"]?.scalarText == nil)
        let again = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        #expect(again == value)
    }

    @Test func errorMapping() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let expired = OIDCError.expired(expiration: now.addingTimeInterval(-100), now: now).stsError
        #expect(expired.code == "ExpiredTokenException")
        #expect(expired.httpStatus == 400)
        #expect(expired.message.contains("2023-11-14T22:13:20Z"))
        #expect(OIDCError.keyRetrievalFailed(issuer: "i", reason: "r").stsError.code == "IDPCommunicationError")
        #expect(!OIDCError.keyRetrievalFailed(issuer: "i", reason: "secret detail").stsError.message.contains("secret detail"))
        let others: [OIDCError] = [
            .malformedToken("x"), .unsupportedAlgorithm("HS256"), .unsupportedCriticalHeader, .unknownIssuer("i"),
            .unknownKey(kid: "k"), .unknownKey(kid: nil), .ambiguousKey(kid: nil), .ambiguousKey(kid: "k"),
            .invalidSignature, .audienceMismatch, .authorizedPartyMismatch, .notYetValid(notBefore: now),
            .issuedInFuture(issuedAt: now), .missingClaim("sub"), .invalidClaim("exp"),
        ]
        for error in others {
            #expect(error.stsError.code == "InvalidIdentityToken")
            #expect(error.stsError.httpStatus == 400)
            #expect(!error.stsError.message.isEmpty)
        }
        #expect(OIDCError.unsupportedAlgorithm("HS256").stsError.message == "Unsupported or disallowed signing algorithm: HS256")
        let long = String(repeating: "x", count: 5000)
        #expect(OIDCError.unknownIssuer(long).stsError.message.utf8.count < 400)
    }
}
