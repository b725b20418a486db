import Shared
import Crypto
import NIOCore
import Testing

@testable import S3Server

/// The verifier releases nothing it has not checked: the last buffer stays held until the
/// whole body matched, at every split of the body into buffers.
@Suite struct PayloadVerifierTests {
    static let body = Array("The quick brown fox jumps over the lazy dog".utf8)
    static let sha = Hex.encode(SHA256.hash(data: body))

    func run(_ chunks: [[UInt8]], _ expectation: PayloadVerifier.Expectation, length: Int64?) -> (released: [UInt8], error: PayloadVerifier.Failure?) {
        var verifier = PayloadVerifier(expectation: expectation, expectedLength: length)
        var released: [UInt8] = []
        do {
            for chunk in chunks {
                if let out = try verifier.receive(ByteBuffer(bytes: chunk)) { released += Array(out.readableBytesView) }
            }
            if let tail = try verifier.finish() { released += Array(tail.readableBytesView) }
            return (released, nil)
        } catch {
            return (released, error)
        }
    }

    @Test func everySplitVerifies() {
        for split in 0...Self.body.count {
            let chunks = [Array(Self.body[..<split]), Array(Self.body[split...])]
            let result = run(chunks, .sha256(Self.sha), length: Int64(Self.body.count))
            #expect(result.error == nil)
            #expect(result.released == Self.body)
        }
    }

    @Test func mismatchNeverReleasesTheWholeBody() {
        var corrupted = Self.body
        corrupted[corrupted.count - 1] ^= 1
        for split in 0...corrupted.count {
            let chunks = [Array(corrupted[..<split]), Array(corrupted[split...])]
            let result = run(chunks, .sha256(Self.sha), length: Int64(corrupted.count))
            #expect(result.error == .sha256Mismatch)
            #expect(result.released.count < corrupted.count)
        }
    }

    @Test func lengthIsEnforced() {
        #expect(run([Self.body], .unsigned, length: Int64(Self.body.count + 1)).error == .tooShort)
        #expect(run([Self.body], .unsigned, length: Int64(Self.body.count - 1)).error == .tooLong)
        #expect(run([Self.body], .unsigned, length: Int64(Self.body.count)).error == nil)
    }

    @Test func emptyBodyHashesToTheEmptyDigest() {
        let empty = Hex.encode(SHA256.hash(data: [UInt8]()))
        #expect(run([], .sha256(empty), length: 0).error == nil)
        #expect(run([], .sha256(Self.sha), length: 0).error == .sha256Mismatch)
    }

    @Test func contentMD5IsCheckedBeforeTheTailIsReleased() {
        let md5 = Array(Insecure.MD5.hash(data: Self.body))
        var good = PayloadVerifier(expectation: .unsigned, expectedLength: Int64(Self.body.count), expectedMD5: md5)
        #expect(throws: Never.self) {
            _ = try good.receive(ByteBuffer(bytes: Self.body))
            #expect(try good.finish() != nil)
        }
        var bad = PayloadVerifier(expectation: .unsigned, expectedLength: Int64(Self.body.count), expectedMD5: Array(repeating: 0, count: 16))
        #expect(throws: PayloadVerifier.Failure.md5Mismatch) {
            #expect(try bad.receive(ByteBuffer(bytes: Self.body)) == nil)
            _ = try bad.finish()
        }
    }

    @Test(arguments: ChecksumAlgorithm.allCases)
    func flexibleChecksumIsVerified(algorithm: ChecksumAlgorithm) {
        var reference = StreamingChecksum(algorithm)
        reference.update(Self.body)
        var good = PayloadVerifier(expectation: .unsigned, expectedLength: nil, checksum: (algorithm, reference.base64()))
        #expect(throws: Never.self) {
            _ = try good.receive(ByteBuffer(bytes: Self.body))
            _ = try good.finish()
        }
        var other = StreamingChecksum(algorithm)
        other.update(Array("something else".utf8))
        var bad = PayloadVerifier(expectation: .unsigned, expectedLength: nil, checksum: (algorithm, other.base64()))
        #expect(throws: PayloadVerifier.Failure.checksumMismatch(algorithm)) {
            _ = try bad.receive(ByteBuffer(bytes: Self.body))
            _ = try bad.finish()
        }
    }
}
