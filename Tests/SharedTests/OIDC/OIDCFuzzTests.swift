import Foundation
import Testing

@testable import Shared

/// Hostile tokens never crash the verifier and always end in an `OIDCError`: random bytes,
/// huge headers, deeply nested JSON, and mutations of a valid token (seeded, reproducible).
@Suite struct OIDCFuzzTests {
    static func b64url(_ bytes: [UInt8]) -> String { Base64URL.encode(bytes) }

    func expectRejected(_ fixture: Fixture, _ token: String) async {
        do {
            _ = try await fixture.verifier.verify(token: token, now: Fixture.t0)
            Issue.record("accepted a hostile token of \(token.utf8.count) bytes")
        } catch {
            // Any OIDCError is the right kind of answer; the point is getting here at all.
        }
    }

    @Test func deeplyNestedAndHugeTokens() async throws {
        let fixture = try Fixture(keys: [TestKeys.rsaJWK(TestKeys.rsa, kid: "rsa-1")])
        let header = Self.b64url(Array(#"{"alg":"RS256","kid":"rsa-1"}"#.utf8))
        let nested = String(repeating: "[", count: 9_000) + String(repeating: "]", count: 9_000)
        let nestedPayload = #"{"iss":""# + Fixture.issuer + #"","x":"# + nested + "}"
        await expectRejected(fixture, header + "." + Self.b64url(Array(nestedPayload.utf8)) + ".c2ln")
        let nestedHeader = Self.b64url(Array((#"{"alg":"RS256","x":"# + nested + "}").utf8))
        await expectRejected(fixture, nestedHeader + ".e30.c2ln")
        let hugeHeader = Self.b64url(Array((#"{"alg":"RS256","kid":""# + String(repeating: "k", count: 200_000) + #""}"#).utf8))
        await expectRejected(fixture, hugeHeader + ".e30.c2ln")
        let manyClaims = "{" + (0..<5_000).map { #""c\#($0)":\#($0)"# }.joined(separator: ",") + #","iss":""# + Fixture.issuer + #""}"#
        await expectRejected(fixture, header + "." + Self.b64url(Array(manyClaims.utf8)) + ".c2ln")
    }

    @Test func randomBytesAndMutations() async throws {
        let fixture = try Fixture(keys: [TestKeys.rsaJWK(TestKeys.rsa, kid: "rsa-1")])
        let valid = try Fixture.rs256()
        var random = SplitMix64(seed: 0x70_6B_65_6E)
        for round in 0..<400 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            } else {
                bytes = Array(valid.utf8)
                // Header and payload only: a changed last signature character can leave the
                // decoded signature bytes unchanged (base64's spare bits).
                let signedPart = bytes.lastIndex(of: UInt8(ascii: "."))!
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    let index = Int(random.next() % UInt64(signedPart))
                    bytes[index] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            let token = String(decoding: bytes, as: UTF8.self)
            if token == valid { continue }
            await expectRejected(fixture, token)
        }
    }
}
