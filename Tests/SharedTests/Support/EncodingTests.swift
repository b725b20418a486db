import Foundation
import Testing

@testable import Shared

@Suite struct EncodingTests {
    @Test func formDecodingTreatsPlusAsSpace() throws {
        let pairs = try #require(FormURLEncoding.parse("Action=AssumeRole&Token=a%2Bb+c%0A&Empty=&Flag"))
        #expect(pairs.map(\.name) == ["Action", "Token", "Empty", "Flag"])
        #expect(pairs[1].value == "a+b c\n")
        #expect(pairs[2].value == "")
        #expect(pairs[3].value == "")
    }

    /// How components split: empty ones skipped, the first `=` separates, no `=` is an empty value.
    @Test(arguments: [
        ("", [String]()), ("&", []), ("&&a=1&", ["a=1"]), ("=v", ["=v"]), ("a==b", ["a==b"]), ("a", ["a="]),
        ("a=1&a=2", ["a=1", "a=2"]), ("x=%26&y=%3D", ["x=&", "y=="]),
    ])
    func formComponents(text: String, expected: [String]) throws {
        let pairs = try #require(FormURLEncoding.parse(text))
        #expect(pairs.map { "\($0.name)=\($0.value)" } == expected)
        // A slice of a larger string starts at an offset in the same buffer.
        let padded = "zz&" + text + "&zz"
        let slice = padded.dropFirst(3).dropLast(3)
        #expect(try #require(FormURLEncoding.parse(slice)).map { "\($0.name)=\($0.value)" } == expected)
    }

    @Test(arguments: ["a=%", "a=%4", "a=x%4", "a=%G1", "a=%C3%28", "%=1", "a=%%41"])
    func malformedFormEncodingIsRejected(text: String) {
        #expect(FormURLEncoding.parse(text) == nil)
    }

    /// Contiguous (String slices) and non-contiguous inputs take different paths and must agree.
    @Test(arguments: [
        ("abc", "abc"), ("a+b", "a b"), ("%41%42", "AB"), ("%e2%82%ac+%E2%82%AC", "€ €"), ("", ""), ("%2B", "+"),
    ])
    func percentDecodingAgreesOnEveryInputShape(encoded: String, decoded: String) {
        #expect(PercentDecoding.decode(Substring(encoded), plusAsSpace: true) == decoded)
        #expect(PercentDecoding.decode(bytes: Array(encoded.utf8), plusAsSpace: true) == decoded)
        #expect(PercentDecoding.decode(bytes: Array(encoded.utf8).lazy.map { $0 }, plusAsSpace: true) == decoded)
        #expect(PercentDecoding.decode(bytes: Array(encoded.utf8), plusAsSpace: false) == decoded.replacingOccurrences(of: " ", with: "+"))
    }

    @Test func percentDecodingRefusesInvalidUTF8WithoutEscapes() {
        #expect(PercentDecoding.decode(bytes: [0x61, 0xFF], plusAsSpace: false) == nil)
    }

    @Test func base64URLRoundTrips() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64URL.decode(Substring(Base64URL.encode(bytes))) == bytes)
        }
        #expect(Base64URL.decode("a=b") == nil)
        #expect(Base64URL.decode("a+b/") == nil)
    }

    @Test func base32MatchesRFC4648() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.encode(Array("f".utf8)) == "MY")
    }

    @Test func standardBase64MatchesFoundation() {
        #expect(Base64.encode(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw==")
        #expect(Base64.encode(Array("any carnal pleasu".utf8)) == "YW55IGNhcm5hbCBwbGVhc3U=")
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals("abc", "abc"))
        #expect(!ConstantTime.equals("abc", "abd"))
        #expect(!ConstantTime.equals("abc", "abcd"))
    }

    @Test func xmlEscaping() {
        #expect("a&b<c>\"d'".xmlEscaped == "a&amp;b&lt;c&gt;&quot;d&apos;")
    }

    @Test func timestamps() {
        #expect(ISO8601.seconds(0) == "1970-01-01T00:00:00Z")
        #expect(ISO8601.seconds(1_369_353_600) == "2013-05-24T00:00:00Z")
        #expect(ISO8601.milliseconds(1_369_353_600, millis: 7) == "2013-05-24T00:00:00.007Z")
    }

    @Test func logRedactionRemovesCredentials() {
        let target = "/b/k?X-Amz-Credential=ASIA%2F1&X-Amz-Signature=abc&X-Amz-Security-Token=tok&partNumber=1&Signature=x"
        let redacted = LogRedaction.target(target)
        #expect(!redacted.contains("abc"))
        #expect(!redacted.contains("tok"))
        #expect(redacted.contains("partNumber=1"))
        #expect(redacted.contains("X-Amz-Signature=REDACTED"))
        #expect(!LogRedaction.target("/b?X-Amz-Security%2DToken=secret").contains("secret"))
    }

    @Test(arguments: [
        ("/b/k", "/b/k"),
        ("/b/k?", "/b/k?"),
        ("/b/ké?a=é&&b&Signature=s&AWSAccessKeyId=AKIA", "/b/ké?a=é&&b&Signature=REDACTED&AWSAccessKeyId=REDACTED"),
        ("/b?x-amz-signature=1&X-Amz-Signature", "/b?x-amz-signature=REDACTED&X-Amz-Signature=REDACTED"),
        ("/b?a=%ZZ&X-Amz-Credential=c%2F1", "/b?a=%ZZ&X-Amz-Credential=REDACTED"),
    ])
    func logRedactionKeepsEverythingElseByteForByte(target: String, expected: String) {
        #expect(LogRedaction.target(target) == expected)
    }
}

@Suite struct HTTPDateTests {
    @Test func parsesIMFFixdate() {
        #expect(HTTPDate.parse("Tue, 14 Nov 2023 22:13:20 GMT") == 1_700_000_000)
        #expect(HTTPDate.parse("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
    }

    @Test(arguments: ["", "Tue, 14 Nov 2023 22:13:20 UTC", "Tue, 14 Foo 2023 22:13:20 GMT", "Tue, 14 Nov 2023 25:13:20 GMT", "2023-11-14T22:13:20Z"])
    func rejectsOtherForms(text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }
}
