import Foundation
import Testing

@testable import Shared

@Suite struct JSONValueParsingTests {
    private func parse(_ text: String) -> JSONValue? {
        JSONValue(parsing: Array(text.utf8))
    }

    /// Valid JSON texts and what they parse to.
    @Test(arguments: [
        ("{}", JSONValue.object([:])),
        ("[]", .array([])),
        (" \t\r\n{ \"a\" : 1 } \n", .object(["a": .number(1)])),
        ("\u{FEFF}{\"a\":true}", .object(["a": .bool(true)])),
        ("[true,false,null]", .array([.bool(true), .bool(false), .null])),
        ("\"text\"", .string("text")),
        ("0", .number(0)),
        ("-0", .number(-0.0)),
        ("123", .number(123)),
        ("-12.5e2", .number(-1250)),
        ("1E+2", .number(100)),
        ("2e-1", .number(0.2)),
        ("1700000000", .number(1_700_000_000)),
        (#"{"sub":"a","aud":["x","y"],"n":{"deep":[1,{"k":null}]}}"#,
         .object(["sub": .string("a"), "aud": .array([.string("x"), .string("y")]),
                  "n": .object(["deep": .array([.number(1), .object(["k": .null])])])])),
        // Escapes, including a surrogate pair and escaped solidus.
        (#""a\"b\\c\/d\b\f\n\r\t""#, .string("a\"b\\c/d\u{08}\u{0C}\n\r\t")),
        (#""\u00e9\u4e2d\ud83d\ude00""#, .string("é中😀")),
        ("\"é中😀\"", .string("é中😀")),
        (#"{"":""}"#, .object(["": .string("")])),
    ])
    func valid(text: String, expected: JSONValue) {
        #expect(parse(text) == expected)
    }

    /// Not JSON, or JSON a token parser refuses.
    @Test(arguments: [
        "", " ", "{", "}", "[", "[1,]", "{\"a\":1,}", "{,}", "[,1]", "{\"a\" 1}", "{a:1}", "{'a':1}",
        "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "NaN", "Infinity", "1e400", "-1e400",
        "tru", "nul", "True", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"\\u12G4\"",
        "\"tab\tinside\"", "\"newline\ninside\"",
        #""\ud83d""#, #""\ude00""#, #""\ud83d\u0041""#, #""\ud83dx""#,
        "{} {}", "[1] 2", "{\"a\":1}x",
        // A member name twice: rejected, not last-wins.
        #"{"sub":"alice","sub":"admin"}"#,
        #"{"a":{"b":1,"b":2}}"#,
    ])
    func invalid(text: String) {
        #expect(parse(text) == nil)
    }

    @Test func invalidUTF8IsRejected() {
        #expect(JSONValue(parsing: [0x22, 0xC3, 0x28, 0x22]) == nil)  // "\xC3(" — a broken sequence
        #expect(JSONValue(parsing: [0x22, 0xFF, 0x22]) == nil)
        #expect(JSONValue(parsing: [0x22, 0x5C, 0x6E, 0xFF, 0x22]) == nil)  // after an escape, too
    }

    @Test func nestingIsBounded() {
        let depth = 64
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(parse(nested) != nil)
        let deeper = "[" + nested + "]"
        #expect(parse(deeper) == nil)
        // Far beyond any limit: refused without exhausting the stack.
        let hostile = String(repeating: "[", count: 100_000)
        #expect(parse(hostile) == nil)
        let objects = String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(parse(objects) == nil)
    }

    @Test func parseObjectAcceptsOnlyObjects() {
        #expect(JSONValue.parseObject(Array(#"{"a":1}"#.utf8)) == ["a": .number(1)])
        #expect(JSONValue.parseObject(Array("[1]".utf8)) == nil)
        #expect(JSONValue.parseObject(Array("\"a\"".utf8)) == nil)
    }

    /// On documents both accept, the parser agrees with `JSONDecoder`, which it replaced.
    @Test(arguments: [
        #"{"iss":"https://issuer.example","sub":"248289761001","aud":"portcullis","exp":1700000600,"iat":1700000000}"#,
        #"{"alg":"RS256","kid":"k1","typ":"JWT"}"#,
        #"{"keys":[{"kty":"RSA","n":"0vx7","e":"AQAB","alg":"RS256","use":"sig","kid":"2011-04-29"}]}"#,
        #"{"groups":["a","b"],"https://aws.amazon.com/tags":{"principal_tags":{"team":["x"]}},"email_verified":true,"nbf":null}"#,
        #"{"f":-0.000123,"g":6.02e23,"h":"\u0041\u00df\ud800\udc00"}"#,
    ])
    func agreesWithJSONDecoder(text: String) throws {
        let expected = try JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
        #expect(JSONValue.parseObject(Array(text.utf8)) == expected)
    }

    /// Non-contiguous input takes the copying path and gives the same answer.
    @Test func acceptsAnyCollection() {
        let text = #"{"a":[1,2,"x"]}"#
        #expect(JSONValue(parsing: text.utf8.lazy.map { $0 }) == parse(text))
    }
}
