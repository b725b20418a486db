import NIOCore
import Testing

@testable import S3Server
@testable import Shared

/// A seeded random loop over the parsers that see untrusted bytes first: the request target,
/// SigV4 and SigV2 authentication, and the aws-chunked decoder. They must never crash, and must
/// either accept or reject with their own typed error. Seeds are fixed so a failure reproduces.
@Suite struct ParserFuzzTests {
    /// SplitMix64: small, fast and reproducible.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let alphabet = Array("/?&=%+abcXYZ019-._~ :;,\r\n\"\u{00}é".utf8)

    func mutate(_ seed: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &rng)] = Self.alphabet.randomElement(using: &rng)!
            case 1: bytes.insert(Self.alphabet.randomElement(using: &rng)!, at: Int.random(in: 0...bytes.count, using: &rng))
            case 2 where !bytes.isEmpty: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng))
            default: bytes += bytes.prefix(Int.random(in: 0...min(8, bytes.count), using: &rng))
            }
        }
        return bytes
    }

    @Test func requestTargetsAndClassification() {
        var rng = SeededGenerator(state: 1)
        let seeds = ["/bucket/key?uploads", "/bkt/a%20b/c?partNumber=1&uploadId=x", "/bkt?list-type=2&prefix=a%2Fb&delimiter=/", "/"]
        var accepted = 0
        for _ in 0..<3000 {
            let text = String(decoding: mutate(Array(seeds.randomElement(using: &rng)!.utf8), &rng), as: UTF8.self)
            do {
                let target = try RequestTarget(text)
                _ = try S3RequestClassifier.classify(method: .get, target: target, headers: [:])
                accepted += 1
            } catch {
                #expect(!error.code.isEmpty)
            }
        }
        #expect(accepted > 0)
    }

    @Test func sigV4Authorization() {
        var rng = SeededGenerator(state: 2)
        let header = "AWS4-HMAC-SHA256 Credential=ASIAAAAAAAAAAAAAAAAA/20261201/us-east-1/s3/aws4_request, "
            + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + String(repeating: "a", count: 64)
        let query = "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAAAAAAAAAAAAAAAAA%2F20261201%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20261201T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=" + String(repeating: "b", count: 64)
        let verifier = SigV4Verifier()
        for round in 0..<3000 {
            let headerText = String(decoding: mutate(Array(header.utf8), &rng), as: UTF8.self)
            let targetText = String(decoding: mutate(Array(query.utf8), &rng), as: UTF8.self)
            let request = SigV4Request(
                method: "GET", requestTarget: round.isMultiple(of: 2) ? "/b/k" : targetText,
                headers: round.isMultiple(of: 2)
                    ? [("host", "h"), ("authorization", headerText), ("x-amz-date", "20261201T000000Z"), ("x-amz-content-sha256", "UNSIGNED-PAYLOAD")]
                    : [("host", "h")])
            do {
                if let auth = try verifier.authorization(for: request) {
                    _ = try? verifier.verify(auth, request: request, secretAccessKey: "secret", now: 1_796_000_000)
                }
            } catch {
                #expect(!error.code.isEmpty)
            }
        }
    }

    @Test func sigV2Authorization() {
        var rng = SeededGenerator(state: 3)
        let seed = "/b/k?AWSAccessKeyId=ASIAAAAAAAAAAAAAAAAA&Expires=1796000000&Signature=abc%3D&x-amz-security-token=t"
        for _ in 0..<3000 {
            let text = String(decoding: mutate(Array(seed.utf8), &rng), as: UTF8.self)
            guard let target = try? RequestTarget(text) else { continue }
            _ = try? SigV2Authorization.parse(authorizationHeader: nil, query: target.query, securityTokenHeader: nil)
            _ = try? SigV2Authorization.parse(authorizationHeader: String(text.dropFirst(3)), query: [], securityTokenHeader: nil)
        }
    }

    @Test func awsChunkedDecoder() {
        var rng = SeededGenerator(state: 4)
        let payload = Array(repeating: UInt8(ascii: "a"), count: 100)
        let valid = Array("40\r\n".utf8) + payload[0..<64] + Array("\r\n24\r\n".utf8) + payload[64..<100]
            + Array("\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n".utf8)
        var decodedValid = 0
        for _ in 0..<4000 {
            let body = mutate(valid, &rng)
            var decoder = AWSChunkedDecoder(mode: .unsignedWithTrailer, expectedTrailers: ["x-amz-checksum-crc32"], decodedContentLength: 100)
            var decoded: [UInt8] = []
            do {
                var offset = 0
                while offset < body.count {
                    let end = min(body.count, offset + Int.random(in: 1...17, using: &rng))
                    for output in try decoder.feed(ByteBuffer(bytes: body[offset..<end])) {
                        if case .data(let data) = output { decoded += Array(data.readableBytesView) }
                    }
                    offset = end
                }
                try decoder.finish()
                // Whatever was accepted decodes to exactly the declared length.
                #expect(decoded.count == 100)
                decodedValid += 1
            } catch {
                // Rejected with the decoder's own error: fine.
            }
        }
        #expect(decodedValid > 0)
    }
}
