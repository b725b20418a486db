import Shared
import Testing

/// Requests signed by botocore 1.43's `S3SigV4Auth` / `S3SigV4QueryAuth` (the reference S3
/// signer), frozen at 2025-01-02T03:04:05Z with a session token, checked against our verifier
/// and signer. They cover what the generic suite cannot: S3's single path encoding with `//`,
/// `.`, `..`, `+`, `$`, `()` and UTF-8 in the key; `x-amz-content-sha256`; signed session tokens;
/// valueless `?uploads`; `%2F` in query values; a presigned URL carrying `X-Amz-Security-Token`.
@Suite("SigV4 botocore cross-check")
struct BotocoreCrossCheckTests {
    static let secret = "secretsecretsecretsecretsecretsecret0000"
    static let token = "tok+en/with=chars"
    static let now = AmzDate(parsing: "20250102T030405Z")!.epochSeconds
    static let credential = "Credential=ASIAEXAMPLEEXAMPLE00/20250102/us-east-1/s3/aws4_request"

    struct Case: Sendable, CustomStringConvertible {
        var method: String
        var target: String
        var headers: [(name: String, value: String)]
        var description: String { "\(method) \(target.prefix(40))" }
    }

    static func headerCase(_ method: String, _ target: String, _ extra: [(name: String, value: String)], contentSHA256: String, signedHeaders: String, signature: String) -> Case {
        Case(
            method: method,
            target: target,
            headers: [("Host", "127.0.0.1:8080")] + extra + [
                ("X-Amz-Date", "20250102T030405Z"),
                ("X-Amz-Security-Token", token),
                ("X-Amz-Content-SHA256", contentSHA256),
                ("Authorization", "AWS4-HMAC-SHA256 \(credential), SignedHeaders=\(signedHeaders), Signature=\(signature)"),
            ]
        )
    }

    static let cases: [Case] = [
        headerCase(
            "PUT",
            "/bucket/dir/a%20b%2Bc%24d~e%28f%29%C3%A9//x/./y/..",
            [("x-amz-meta-color", "blue"), ("Content-Type", "text/plain"), ("Content-Length", "5")],
            contentSHA256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            signedHeaders: "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-color;x-amz-security-token",
            signature: "b5ca8cd3bae81bbb5c372d63d8fe81c9b4c5e1833fc3b8b77d6527d22bc4aca6"
        ),
        headerCase(
            "GET",
            "/bucket?list-type=2&prefix=a%20b%2Fc&delimiter=%2F&encoding-type=url",
            [],
            contentSHA256: SigV4SigningKey.emptyPayloadSHA256,
            signedHeaders: "host;x-amz-content-sha256;x-amz-date;x-amz-security-token",
            signature: "1d6408017e2cc6cd23458fdd7e59cb7907c8f1d3047fdb5789a1e2eb16afa5b2"
        ),
        headerCase(
            "POST",
            "/bucket/key?uploads",
            [("Content-Length", "0")],
            contentSHA256: SigV4SigningKey.emptyPayloadSHA256,
            signedHeaders: "host;x-amz-content-sha256;x-amz-date;x-amz-security-token",
            signature: "f686a093eebd7e1ff32c6c840d3c3d0f0f230b85b0a15fc0c4b60374d2e5ae8b"
        ),
        Case(
            method: "GET",
            target:
                "/bucket/a%20b%2Bc?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAEXAMPLEEXAMPLE00%2F20250102%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250102T030405Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=tok%2Ben%2Fwith%3Dchars&X-Amz-Signature=42d075a0f5895adc101db864a3daf4294032b920f2cda1a74ade0acf8ed8811b",
            headers: [("host", "127.0.0.1:8080")]
        ),
    ]

    @Test("botocore-signed requests verify", arguments: cases)
    func verify(testCase: Case) throws {
        let request = SigV4Request(method: testCase.method, requestTarget: testCase.target, headers: testCase.headers)
        let verifier = SigV4Verifier(options: .init(region: "us-east-1"))
        let auth = try #require(try verifier.authorization(for: request))
        #expect(auth.accessKeyID == "ASIAEXAMPLEEXAMPLE00")
        #expect(auth.securityToken == Self.token)
        _ = try verifier.verify(auth, request: request, secretAccessKey: Self.secret, now: Self.now)
    }

    @Test("our signer matches botocore for an awkward S3 key")
    func signLikeBotocore() {
        let signer = SigV4Signer(accessKeyID: "ASIAEXAMPLEEXAMPLE00", secretAccessKey: Self.secret, sessionToken: Self.token, region: "us-east-1")
        let signed = signer.sign(
            method: "PUT",
            path: SigV4PercentEncoding.canonicalURI(rawPath: "/bucket/dir/a%20b%2Bc%24d~e%28f%29%C3%A9//x/./y/.."),
            headers: [("Host", "127.0.0.1:8080"), ("x-amz-meta-color", "blue"), ("Content-Type", "text/plain")],
            payloadHash: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            date: AmzDate(epochSeconds: Self.now)
        )
        #expect(signed.signature == "b5ca8cd3bae81bbb5c372d63d8fe81c9b4c5e1833fc3b8b77d6527d22bc4aca6")
        let presigned = signer.presign(
            method: "GET",
            path: "/bucket/a%20b%2Bc",
            headers: [("host", "127.0.0.1:8080")],
            expires: 900,
            date: AmzDate(epochSeconds: Self.now)
        )
        #expect(presigned.signature == "42d075a0f5895adc101db864a3daf4294032b920f2cda1a74ade0acf8ed8811b")
    }

    @Test("a kept signing key signs as a derived one; a key for another day is not used")
    func signWithKeptKey() {
        let signer = SigV4Signer(accessKeyID: "ASIAEXAMPLEEXAMPLE00", secretAccessKey: Self.secret, sessionToken: Self.token, region: "us-east-1")
        let date = AmzDate(epochSeconds: Self.now)
        func signature(_ key: SigV4SigningKey?) -> String {
            signer.sign(
                method: "PUT",
                path: SigV4PercentEncoding.canonicalURI(rawPath: "/bucket/dir/a%20b%2Bc%24d~e%28f%29%C3%A9//x/./y/.."),
                headers: [("Host", "127.0.0.1:8080"), ("x-amz-meta-color", "blue"), ("Content-Type", "text/plain")],
                payloadHash: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                date: date, signingKey: key
            ).signature
        }
        let botocore = "b5ca8cd3bae81bbb5c372d63d8fe81c9b4c5e1833fc3b8b77d6527d22bc4aca6"
        #expect(signature(SigV4SigningKey(secretAccessKey: Self.secret, scope: signer.signingScope(date: date))) == botocore)
        let yesterday = AmzDate(epochSeconds: Self.now - 86_400)
        #expect(signature(SigV4SigningKey(secretAccessKey: Self.secret, scope: signer.signingScope(date: yesterday))) == botocore)
    }
}
