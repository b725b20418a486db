@testable import Shared
import Testing

/// Canonicalisation of paths, queries and headers on raw bytes, and the small helpers.
@Suite("SigV4 canonicalisation")
struct CanonicalRequestTests {
    @Test(arguments: [
        ("/bucket//a/./b/../c", "/bucket//a/./b/../c"),  // never normalised
        ("//", "//"),
        ("/./", "/./"),
        ("/..", "/.."),
        ("/a b", "/a%20b"),
        ("/a%20b", "/a%20b"),  // decoded once, re-encoded once
        ("/test$file.text", "/test%24file.text"),
        ("/test%24file.text", "/test%24file.text"),
        ("/a+b", "/a%2Bb"),  // `+` is literal in paths
        ("/a%2Fb", "/a/b"),  // decode once: %2F is a slash, as in MinIO
        ("/a%252Fb", "/a%252Fb"),
        ("/%E1%88%B4", "/%E1%88%B4"),
        ("/ሴ", "/%E1%88%B4"),
        ("/-._~AZaz09", "/-._~AZaz09"),
        ("/!'()*:@&=,;", "/%21%27%28%29%2A%3A%40%26%3D%2C%3B"),
        ("/100%", "/100%25"),  // a stray % stays literal
        ("/%zz", "/%25zz"),
        ("", "/"),
    ])
    func canonicalURI(raw: String, expected: String) {
        #expect(SigV4PercentEncoding.canonicalURI(rawPath: raw) == expected)
    }

    @Test(arguments: [
        ("//example//", "/example/"),
        ("/example/..", "/"),
        ("/example1/example2/../..", "/"),
        ("/./example", "/example"),
        ("/a/./b/../c/", "/a/c/"),
    ])
    func normalizedURI(raw: String, expected: String) {
        #expect(SigV4PercentEncoding.canonicalURI(rawPath: raw, mode: .normalized) == expected)
    }

    @Test func uriEncode() {
        #expect(SigV4PercentEncoding.uriEncode("a b/c~d", encodeSlash: false) == "a%20b/c~d")
        #expect(SigV4PercentEncoding.uriEncode("a b/c~d", encodeSlash: true) == "a%20b%2Fc~d")
        #expect(SigV4PercentEncoding.uriEncode("a+b=c&d", encodeSlash: true) == "a%2Bb%3Dc%26d")
        #expect(SigV4PercentEncoding.uriEncode("é", encodeSlash: true) == "%C3%A9")
        #expect(SigV4PercentEncoding.uriEncode("", encodeSlash: true) == "")
        #expect(SigV4PercentEncoding.uriEncode("x/y"[...], encodeSlash: true) == "x%2Fy")
    }

    @Test(arguments: [
        ("", ""),
        ("acl", "acl="),
        ("uploads&prefix=a", "prefix=a&uploads="),
        ("b=2&a=1&a=0", "a=0&a=1&b=2"),  // by name, then value
        ("prefix=a+b", "prefix=a%20b"),  // raw `+` is a space (MinIO's choice)
        ("prefix=a%2Bb", "prefix=a%2Bb"),
        ("prefix=a%20b", "prefix=a%20b"),
        ("prefix=a/b", "prefix=a%2Fb"),
        ("a=1&&b=2&", "a=1&b=2"),  // empty components ignored
        ("k=v=w", "k=v%3Dw"),  // split on the first `=`
        ("=v", "=v"),
        ("x-id=PutObject&X-Amz-Signature=abc&Z=1", "X-Amz-Signature=abc&Z=1&x-id=PutObject"),  // uppercase sorts first
        ("Param-3=Value3&Param=Value2&%E1%88%B4=Value1", "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"),
        ("ሴ=bar", "%E1%88%B4=bar"),
        ("a=%7E%2d", "a=~-"),
        // Already canonical (copied as is) and nearly canonical (decoded and re-encoded).
        ("X-Amz-Credential=AKID%2F20130524%2Fus-east-1%2Fs3%2Faws4_request", "X-Amz-Credential=AKID%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"),
        ("X-Amz-Security-Token=eyJ0.e-_~30", "X-Amz-Security-Token=eyJ0.e-_~30"),
        ("a=%2f", "a=%2F"),
        ("a=%41%2F", "a=A%2F"),
        ("a=%zz", "a=%25zz"),
        ("a=b%2", "a=b%252"),
        ("a=%", "a=%25"),
        ("a=%C3%A9", "a=%C3%A9"),
        ("a=%c3%a9", "a=%C3%A9"),
    ])
    func canonicalQuery(raw: String, expected: String) {
        #expect(CanonicalRequest.canonicalQuery(rawQuery: raw, droppingSignature: false) == expected)
    }

    @Test(arguments: [
        ("", true), ("abcXYZ019-._~", true), ("%2F", true), ("a%20b", true), ("%E1%88%B4", true),
        ("%2f", false), ("%41", false), ("%7E", false), ("%", false), ("%2", false), ("a%G0", false),
        ("a+b", false), ("a/b", false), ("a b", false), ("é", false),
    ])
    func canonicalEncodingCheck(raw: String, canonical: Bool) {
        #expect(SigV4PercentEncoding.isCanonicallyEncoded(Array(raw.utf8)) == canonical)
        #expect(SigV4PercentEncoding.isCanonicallyEncoded(raw.utf8) == canonical)
        // The check agrees with what decoding and re-encoding would do.
        let reencoded = SigV4PercentEncoding.uriEncode(bytes: SigV4PercentEncoding.percentDecode(raw.utf8, plusAsSpace: true), encodeSlash: true)
        #expect((reencoded == raw) == canonical)
    }

    @Test func presignedQueryDropsOnlyTheSignature() {
        let raw = "X-Amz-Signature=abc&X-Amz-Security-Token=t%2Bk&x-id=GetObject"
        #expect(CanonicalRequest.canonicalQuery(rawQuery: raw, droppingSignature: true) == "X-Amz-Security-Token=t%2Bk&x-id=GetObject")
    }

    @Test func queryFromPairs() {
        #expect(CanonicalRequest.canonicalQuery(pairs: [("prefix", "a b/c"), ("delimiter", "/"), ("acl", "")]) == "acl=&delimiter=%2F&prefix=a%20b%2Fc")
    }

    @Test func canonicalHeaders() throws {
        let headers: [(name: String, value: String)] = [
            ("Host", "example.com:8080"),
            ("My-Header1", "  a   b  "),
            ("my-header1", "c\t\td"),
            ("X-Amz-Date", "20150830T123600Z"),
            ("Unsigned", "x"),
            ("Folded", "value1\n  value2\r\n\tvalue3"),
        ]
        let block = try CanonicalRequest.canonicalHeaders(signedHeaders: ["x-amz-date", "host", "my-header1", "folded"], headers: headers)
        #expect(block == "folded:value1 value2 value3\nhost:example.com:8080\nmy-header1:a b,c d\nx-amz-date:20150830T123600Z\n")
        #expect(throws: SigV4Error.signedHeaderMissing("range")) {
            try CanonicalRequest.canonicalHeaders(signedHeaders: ["host", "range"], headers: headers)
        }
        #expect(try CanonicalRequest.canonicalHeaders(signedHeaders: ["my-header1"], headers: [("My-Header1", "")]) == "my-header1:\n")
    }

    @Test func canonicalRequestText() {
        let request = CanonicalRequest(method: "GET", uri: "/", query: "", headers: "host:h\n", signedHeaders: "host", payloadHash: "UNSIGNED-PAYLOAD")
        #expect(request.text == "GET\n/\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD")
    }

    @Test func requestTargetSplitting() {
        let request = SigV4Request(method: "GET", requestTarget: "/b/k?a=1?2&b", headers: [("HOST", "h")])
        #expect(request.rawPath == "/b/k")
        #expect(request.rawQuery == "a=1?2&b")
        #expect(request.queryParameter("a") == "1?2")
        #expect(request.queryParameter("b") == "")
        #expect(request.queryParameter("c") == nil)
        #expect(request.header("host") == "h")
        #expect(SigV4Request(method: "GET", requestTarget: "/", headers: []).rawQuery == "")
    }

    /// The one-pass lookup reads each parameter as `queryParameter` does: decoded names, the
    /// first value wins, a valueless parameter is "", unasked names are ignored.
    @Test func queryParametersInOnePass() {
        let request = SigV4Request(
            method: "GET", requestTarget: "/b/k?X-Amz-Date=1&X%2DAmz%2DExpires=60&X-Amz-Date=2&flag&&X-Amz-Signature=a%2Bb+c&other=x",
            headers: [])
        let found = request.queryParameters(named: ["X-Amz-Date", "X-Amz-Expires", "flag", "X-Amz-Signature", "absent"])
        #expect(found == ["X-Amz-Date": "1", "X-Amz-Expires": "60", "flag": "", "X-Amz-Signature": "a+b c"])
        for name in ["X-Amz-Date", "X-Amz-Expires", "flag", "X-Amz-Signature", "absent", "other"] {
            #expect(request.queryParameter(name) == (name == "other" ? "x" : found[name]))
        }
    }

    @Test(arguments: [
        ("20150830T123600Z", Int64(1_440_938_160)),
        ("19700101T000000Z", 0),
        ("20240229T235959Z", 1_709_251_199),
        ("21000301T000000Z", 4_107_542_400),
    ])
    func amzDateParsing(text: String, epoch: Int64) throws {
        let date = try #require(AmzDate(parsing: text))
        #expect(date.epochSeconds == epoch)
        #expect(date.text == text)
        #expect(AmzDate(epochSeconds: epoch).text == text)
    }

    @Test(arguments: [
        "20150830T123600", "20150830T123600ZZ", "2015-08-30T12:36:00Z", "20150830t123600Z", "20151330T123600Z", "20150230T123600Z",
        "20230229T000000Z", "20150830T243600Z", "20150830T126000Z", "20150830T123660Z", "20150800T123600Z", "2015083OT123600Z", "",
    ])
    func amzDateRejects(text: String) {
        #expect(AmzDate(parsing: text) == nil)
    }

    @Test func amzDateForms() throws {
        let date = try #require(AmzDate(parsing: "20130524T010203Z"))
        #expect(date.dateStamp == "20130524")
        #expect(date.iso8601 == "2013-05-24T01:02:03Z")
        #expect(AmzDate(epochSeconds: -1).text == "19691231T235959Z")
    }

    @Test func hex() {
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.decode("000FA5ff") == [0x00, 0x0f, 0xa5, 0xff])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.isSHA256Hex(SigV4SigningKey.emptyPayloadSHA256))
        #expect(!Hex.isSHA256Hex("UNSIGNED-PAYLOAD"))
        #expect(SigV4SigningKey.sha256Hex("") == SigV4SigningKey.emptyPayloadSHA256)
    }

    @Test func signingKeyMatchesTheAWSExample() {
        // IAM user guide worked example (GET ?Action=ListUsers, 20150830/us-east-1/iam).
        let key = SigV4SigningKey(
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            scope: SigV4Scope(date: "20150830", region: "us-east-1", service: "iam")
        )
        let stringToSign = CanonicalRequest.stringToSign(
            amzDate: "20150830T123600Z",
            scope: key.scope,
            canonicalRequestHash: "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        )
        #expect(key.signature(for: stringToSign) == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
        #expect(key.isValidSignature("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", for: stringToSign))
        #expect(!key.isValidSignature("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d8", for: stringToSign))
        #expect(!key.isValidSignature("5d672d79", for: stringToSign))
    }

    @Test(arguments: [
        ("UNSIGNED-PAYLOAD", SigV4PayloadMode.unsigned),
        ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", .streamingSigned),
        ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", .streamingSignedTrailer),
        ("STREAMING-UNSIGNED-PAYLOAD-TRAILER", .streamingUnsignedTrailer),
        ("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", .streamingECDSA(trailer: false)),
    ])
    func payloadModes(value: String, mode: SigV4PayloadMode) {
        #expect(SigV4PayloadMode(headerValue: value) == mode)
        #expect(mode.headerValue == value)
    }
}
