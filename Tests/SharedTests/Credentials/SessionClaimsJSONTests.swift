import Foundation
import Testing

@testable import Shared

/// The hand-written session-token JSON must be what `JSONEncoder` wrote before it, and read back
/// by the `Decodable` side unchanged whatever the strings hold.
@Suite struct SessionClaimsJSONTests {
    static func encoded(_ claims: SessionClaims) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(claims))
    }

    static let plain = SessionClaims(
        akid: "ASIAEXAMPLE", jti: "abc_-123", iat: 1_700_000_000, exp: 1_700_003_600,
        role: "arn:aws:iam::123456789012:role/dev", rsn: "alice@example.com", sub: "alice-sub", oiss: "https://idp.example/realms/x",
        oaud: "portcullis", dkid: "d1")

    static var full: SessionClaims {
        var claims = plain
        claims.claims = ["groups": ["eng", "ops"], "email": ["a@b.c"], "empty": []]
        claims.tags = ["team": "data", "cost-center": "42"]
        claims.pol = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
        claims.parns = ["arn:aws:iam::123456789012:policy/a", "arn:aws:iam::123456789012:policy/b"]
        claims.srcid = "alice"
        return claims
    }

    @Test(arguments: [plain, full])
    func sameBytesAsJSONEncoder(claims: SessionClaims) throws {
        #expect(claims.jsonBytes == (try Self.encoded(claims)))
    }

    @Test func awkwardStringsRoundTrip() throws {
        var claims = Self.full
        claims.sub = "quote \" backslash \\ newline \n tab \t cr \r nul \u{0} bell \u{7} del \u{7F} é 🙂 </script>"
        claims.claims = ["we\"ird\\key\u{1}": ["\u{1F}", "ünï"]]
        claims.tags = ["k\u{8}": "v\u{C}"]
        let decoded = try JSONDecoder().decode(SessionClaims.self, from: Data(claims.jsonBytes))
        #expect(decoded == claims)
        // Control characters never appear raw (RFC 8259 §7).
        #expect(!claims.jsonBytes.contains { $0 < 0x20 })
    }
}
