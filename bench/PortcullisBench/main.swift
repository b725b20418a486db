import Crypto
import NIOCore
import Shared

/// Runs `body` repeatedly for about a second and returns nanoseconds per iteration.
func measure(_ name: String, bytesPerIteration: Int? = nil, _ body: () throws -> Void) rethrows {
    let clock = ContinuousClock()
    var iterations = 0
    let start = clock.now
    var elapsed = Duration.zero
    while elapsed < .seconds(1) {
        for _ in 0..<16 { try body() }
        iterations += 16
        elapsed = clock.now - start
    }
    let nanos = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    let perIteration = nanos / Double(iterations)
    if let bytesPerIteration {
        let mbps = Double(bytesPerIteration) / perIteration * 1e9 / 1_000_000
        print("\(name): \(String(format: "%.0f", mbps)) MB/s")
    } else {
        print("\(name): \(String(format: "%.1f", perIteration / 1000)) µs/op")
    }
}

// SigV4: a typical header-signed GET, signed here, then parsed and verified.
let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
let date = AmzDate(epochSeconds: 1_796_000_000)
let signer = SigV4Signer(accessKeyID: "ASIAAAAAAAAAAAAAAAAA", secretAccessKey: secret, sessionToken: "token", region: "us-east-1")
let baseHeaders: [(name: String, value: String)] = [("host", "127.0.0.1:8080"), ("user-agent", "bench")]
let signed = signer.sign(
    method: "GET", path: "/bucket/some/key%20with%20spaces.txt", query: [("versionId", "3")], headers: baseHeaders,
    payloadHash: SigV4SigningKey.emptyPayloadSHA256, date: date)
let request = SigV4Request(
    method: "GET", requestTarget: "/bucket/some/key%20with%20spaces.txt?versionId=3", headers: baseHeaders + signed.headersToAdd)
let verifier = SigV4Verifier()
let auth = try! verifier.authorization(for: request)!
try measure("SigV4 header request: parse + verify (signing key derived)") {
    let parsed = try verifier.authorization(for: request)!
    _ = try verifier.verify(parsed, request: request, secretAccessKey: secret, now: date.epochSeconds)
}
let key = SigV4SigningKey(secretAccessKey: secret, scope: auth.scope)
try measure("SigV4 header request: parse + verify (signing key cached)") {
    let parsed = try verifier.authorization(for: request)!
    _ = try verifier.verify(parsed, request: request, signingKey: key, now: date.epochSeconds)
}

// Session tokens: ES256 verification, done once per token by S3Server's cache.
let signingKey = P256.Signing.PrivateKey()
let derivation = try! SecretKeyDerivation(id: "d", keyBytes: Array(repeating: 7, count: 32))
let tokenSigner = SessionTokenSigner(keyID: "k", key: signingKey, derivation: derivation)
let claims = SessionClaims(
    akid: "ASIAAAAAAAAAAAAAAAAA", jti: "jti", iat: 0, exp: 4_000_000_000, role: "arn:aws:iam::123456789012:role/r", rsn: "s",
    sub: "alice", oiss: "https://idp", oaud: "portcullis", dkid: "d", claims: ["groups": ["a", "b"]])
let token = try! tokenSigner.issue(claims).token
let tokenVerifier = SessionTokenVerifier(verificationKeys: ["k": signingKey.publicKey], derivations: [derivation])
try measure("Session token: ES256 verify + secret derivation") {
    _ = try tokenVerifier.verify(token: token, accessKeyID: "ASIAAAAAAAAAAAAAAAAA", now: 1)
}

// aws-chunked: an unsigned-trailer body as boto3 sends it (1 MiB chunks), 16 MiB per iteration.
// The decoder slices the read buffers without copying, so this measures framing alone; the
// number that bounds an upload is "decode + CRC32" below (what S3Server does per byte).
let chunk = [UInt8](repeating: 0x61, count: 1 << 20)
var framed = ByteBuffer()
for _ in 0..<16 {
    framed.writeString("100000\r\n")
    framed.writeBytes(chunk)
    framed.writeString("\r\n")
}
framed.writeString("0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n")
let unsignedBody = framed
func decodeUnsigned(_ consume: (ByteBuffer) -> Void) throws {
    var decoder = AWSChunkedDecoder(mode: .unsignedWithTrailer, expectedTrailers: ["x-amz-checksum-crc32"])
    var rest = unsignedBody
    while rest.readableBytes > 0 {
        let slice = rest.readSlice(length: min(65536, rest.readableBytes))!
        for event in try decoder.feed(slice) {
            if case .data(let data) = event { consume(data) }
        }
    }
    try decoder.finish()
}
try measure("aws-chunked decode, framing only (unsigned trailer, 1 MiB chunks, 64 KiB reads)", bytesPerIteration: 16 << 20) {
    try decodeUnsigned { _ in }
}
try measure("aws-chunked decode + CRC32 (unsigned trailer, as aws-cli/boto3 over HTTPS)", bytesPerIteration: 16 << 20) {
    var checksum = StreamingChecksum(.crc32)
    try decodeUnsigned { data in data.withUnsafeReadableBytes { checksum.update($0) } }
    _ = checksum.finalize()
}

// Signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, 64 KiB chunks as the Java SDK v1 sends
// them): every chunk is SHA-256-hashed and its HMAC chain checked.
let seed = String(repeating: "ab", count: 32)
let chunkKey = SigV4SigningKey(secretAccessKey: secret, scope: auth.scope)
var chunkSigner = SigV4ChunkSigner(signingKey: chunkKey, date: date, seedSignature: seed)
let small = [UInt8](repeating: 0x62, count: 64 << 10)
let smallHash = Hex.encode(SHA256.hash(data: small))
var signedFramed = ByteBuffer()
for _ in 0..<256 {
    signedFramed.writeString("10000;chunk-signature=\(chunkSigner.nextChunkSignature(sha256: smallHash))\r\n")
    signedFramed.writeBytes(small)
    signedFramed.writeString("\r\n")
}
signedFramed.writeString("0;chunk-signature=\(chunkSigner.nextChunkSignature(sha256: SigV4SigningKey.emptyPayloadSHA256))\r\n\r\n")
let signedBody = signedFramed
try measure("aws-chunked decode + verify (signed chunks, 64 KiB chunks, 64 KiB reads)", bytesPerIteration: 16 << 20) {
    var decoder = AWSChunkedDecoder(mode: .signed(SigV4ChunkSigner(signingKey: chunkKey, date: date, seedSignature: seed)))
    var rest = signedBody
    while rest.readableBytes > 0 {
        _ = try decoder.feed(rest.readSlice(length: min(65536, rest.readableBytes))!)
    }
    try decoder.finish()
}

// Checksums and the SHA-256 of signed payloads, over 16 MiB.
let sixteen = [UInt8](repeating: 0x5A, count: 16 << 20)
for algorithm in [ChecksumAlgorithm.crc32, .crc32c, .crc64nvme, .sha256] {
    measure("checksum \(algorithm.sdkName)", bytesPerIteration: sixteen.count) {
        var checksum = StreamingChecksum(algorithm)
        sixteen.withUnsafeBytes { checksum.update($0) }
        _ = checksum.finalize()
    }
}

// Policy evaluation: a 20-statement role policy with conditions and variables, one request that
// only the last Allow grants (every Deny and every earlier Allow is tried first).
var statements: [String] = []
for index in 0..<18 {
    statements.append("""
        {"Sid":"S\(index)","Effect":"\(index % 3 == 0 ? "Deny" : "Allow")","Action":["s3:Get*","s3:List*"],
         "Resource":"arn:aws:s3:::team-\(index)/${aws:PrincipalTag/team}/*",
         "Condition":{"StringLike":{"s3:prefix":["home/${jwt:sub}/*"]},"IpAddress":{"aws:SourceIp":"10.\(index).0.0/16"}}}
        """)
}
statements.append("""
    {"Sid":"Secure","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}
    """)
statements.append("""
    {"Sid":"Home","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/home/${jwt:sub}/*",
     "Condition":{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}
    """)
let policy = try! Policy(json: "{\"Version\":\"2012-10-17\",\"Statement\":[\(statements.joined(separator: ","))]}", source: "bench", kind: .identity)
let evaluationContext = AuthorizationContext(
    action: "s3:GetObject", resource: "arn:aws:s3:::data/home/alice/notes.txt",
    conditionValues: [
        "aws:SourceIp": ["192.0.2.10"], "aws:SecureTransport": ["true"], "aws:CurrentTime": ["2026-12-01T12:00:00Z"],
        "jwt:sub": ["alice"], "aws:PrincipalTag/team": ["blue"],
    ])
precondition(PolicyEvaluator.evaluate(evaluationContext, rolePolicies: [policy]).isAllowed)
measure("Policy evaluation: 20 statements with conditions and variables, allowed by the last") {
    _ = PolicyEvaluator.evaluate(evaluationContext, rolePolicies: [policy])
}
