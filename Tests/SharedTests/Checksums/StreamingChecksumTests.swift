import Foundation
import Testing

@testable import Shared

/// Known values, as base64 of the big-endian digest.
///
/// Generated with Python 3.11.7 and botocore (script kept in the scratch package as
/// `/work/scratch/checksums/tools/refvalues.py`): CRC32, SHA1 and SHA256 by botocore's `Crc32Checksum`,
/// `Sha1Checksum` and `Sha256Checksum` (`c = Crc32Checksum(); c.update(data); c.b64digest()`).
/// awscrt is not installed, so botocore's `CrtCrc32cChecksum` and `CrtCrc64NvmeChecksum` could not run:
/// CRC32C and CRC64NVME come from an independent bit-by-bit Python CRC (init all ones, reflected, final XOR),
/// which reproduces the catalogue check values for all three CRCs and botocore's CRC32 on every input.
struct ChecksumKnownValue: Sendable, CustomTestStringConvertible {
    let inputName: String
    let input: @Sendable () -> [UInt8]
    let expected: [ChecksumAlgorithm: String]
    var testDescription: String { inputName }
}

private let knownValues: [ChecksumKnownValue] = [
    ChecksumKnownValue(
        inputName: "empty",
        input: { [] },
        expected: [
            .crc32: "AAAAAA==", .crc32c: "AAAAAA==", .crc64nvme: "AAAAAAAAAAA=",
            .sha1: "2jmj7l5rSw0yVb/vlWAYkK/YBwk=", .sha256: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        ]
    ),
    ChecksumKnownValue(
        inputName: "hello world",
        input: { Array("hello world".utf8) },
        expected: [
            .crc32: "DUoRhQ==", .crc32c: "yZRlqg==", .crc64nvme: "jSnVw/bqjr4=",
            .sha1: "Kq5sNclPz7QV2+lfQIuc6R7oRu0=", .sha256: "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=",
        ]
    ),
    ChecksumKnownValue(
        inputName: "1 MiB of 0x61",
        input: { [UInt8](repeating: 0x61, count: 1 << 20) },
        expected: [
            .crc32: "181Wcg==", .crc32c: "1rcdDQ==", .crc64nvme: "lwZjxbE8CqM=",
            .sha1: "RUAn1k47hVc1VS1CIw7qHL1kX6A=", .sha256: "m8GyooiyavclejYneuOBan1PFuicHn530KXEi61is2A=",
        ]
    ),
    ChecksumKnownValue(
        inputName: "bytes 0...255 three times, then 00 ff 7f",
        input: { Array((0..<3).flatMap { _ in (0...255).map { UInt8($0) } }) + [0x00, 0xFF, 0x7F] },
        expected: [
            .crc32: "BMGQKw==", .crc32c: "r3K4UQ==", .crc64nvme: "a8uugWktBzU=",
            .sha1: "2NPDI4yAs0Bv1zZvC0uNB9qKCdU=", .sha256: "1UZZDG1HyDu+B4v0DnwR1MTLfJXseKQar0CPlQDsjL0=",
        ]
    ),
]

private func checksum(_ algorithm: ChecksumAlgorithm, _ bytes: [UInt8]) -> StreamingChecksum {
    var checksum = StreamingChecksum(algorithm)
    checksum.update(bytes)
    return checksum
}

private func bigEndianInteger(_ bytes: [UInt8]) -> UInt64 {
    bytes.reduce(0) { $0 << 8 | UInt64($1) }
}

/// Bit-at-a-time reflected CRC, independent of the tables under test.
private func bitwiseCRC(_ bytes: [UInt8], polynomial: UInt64, width: Int) -> UInt64 {
    let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
    var crc = mask
    for byte in bytes {
        crc ^= UInt64(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
    }
    return crc ^ mask
}

/// Deterministic pseudo-random bytes (xorshift64).
private func pseudoRandomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state >> 24)
    }
}

@Suite struct StreamingChecksumTests {
    @Test func catalogueCheckValues() {
        let input = Array("123456789".utf8)
        #expect(bigEndianInteger(checksum(.crc32, input).finalize()) == 0xCBF4_3926)
        #expect(bigEndianInteger(checksum(.crc32c, input).finalize()) == 0xE306_9283)
        #expect(bigEndianInteger(checksum(.crc64nvme, input).finalize()) == 0xAE8B_1486_0A79_9888)
    }

    @Test func digestLengthsAndEmptyInput() {
        for algorithm in ChecksumAlgorithm.allCases {
            let fresh = StreamingChecksum(algorithm)
            #expect(fresh.algorithm == algorithm)
            #expect(fresh.finalize().count == algorithm.digestByteCount)
            var updatedWithNothing = fresh
            updatedWithNothing.update([UInt8]())
            updatedWithNothing.update(UnsafeRawBufferPointer(start: nil, count: 0))
            #expect(updatedWithNothing.finalize() == fresh.finalize())
        }
        #expect(StreamingChecksum(.crc32).finalize() == [0, 0, 0, 0])
        #expect(StreamingChecksum(.crc64nvme).finalize() == [UInt8](repeating: 0, count: 8))
    }

    @Test(arguments: knownValues)
    func matchesBotocoreValues(_ known: ChecksumKnownValue) {
        let input = known.input()
        for algorithm in ChecksumAlgorithm.allCases {
            let expected = known.expected[algorithm]
            #expect(checksum(algorithm, input).base64() == expected, "\(algorithm)")
            // The same bytes fed in uneven chunks.
            var chunked = StreamingChecksum(algorithm)
            var offset = 0
            var size = 1
            while offset < input.count {
                let end = min(offset + size, input.count)
                input[offset..<end].withUnsafeBytes { chunked.update($0) }
                offset = end
                size = size * 3 + 1
            }
            #expect(chunked.base64() == expected, "\(algorithm) chunked")
        }
    }

    @Test(arguments: ChecksumAlgorithm.allCases)
    func splitAtEveryOffsetMatchesOneShot(_ algorithm: ChecksumAlgorithm) {
        let input = pseudoRandomBytes(97, seed: 0x5EED)
        let oneShot = checksum(algorithm, input).finalize()
        for split in 0...input.count {
            var incremental = StreamingChecksum(algorithm)
            incremental.update(input[..<split])
            incremental.update(input[split...])
            #expect(incremental.finalize() == oneShot, "split at \(split)")
        }
        for first in stride(from: 0, through: input.count, by: 5) {
            for second in first...input.count {
                var incremental = StreamingChecksum(algorithm)
                input[..<first].withUnsafeBytes { incremental.update($0) }
                input[first..<second].withUnsafeBytes { incremental.update($0) }
                input[second...].withUnsafeBytes { incremental.update($0) }
                #expect(incremental.finalize() == oneShot, "splits at \(first), \(second)")
            }
        }
    }

    @Test func crcsMatchBitwiseReferenceAtEveryLengthAndAlignment() {
        let data = pseudoRandomBytes(300, seed: 42)
        for start in 0..<8 {
            for end in stride(from: start, through: data.count, by: 7) {
                let slice = Array(data[start..<end])
                // Feed from the shared buffer so the start is misaligned by `start` bytes.
                func run(_ algorithm: ChecksumAlgorithm) -> UInt64 {
                    var checksum = StreamingChecksum(algorithm)
                    data[start..<end].withUnsafeBytes { checksum.update($0) }
                    return bigEndianInteger(checksum.finalize())
                }
                #expect(run(.crc32) == bitwiseCRC(slice, polynomial: 0xEDB8_8320, width: 32))
                #expect(run(.crc32c) == bitwiseCRC(slice, polynomial: 0x82F6_3B78, width: 32))
                #expect(run(.crc64nvme) == bitwiseCRC(slice, polynomial: 0x9A6C_9329_AC4B_C9B5, width: 64))
            }
        }
    }

    @Test(arguments: ChecksumAlgorithm.allCases)
    func copiesForkIndependently(_ algorithm: ChecksumAlgorithm) {
        var original = StreamingChecksum(algorithm)
        original.update("hello ".utf8)
        let snapshot = original.finalize()
        var fork = original
        original.update("world".utf8)
        fork.update("there".utf8)
        #expect(original.finalize() == checksum(algorithm, Array("hello world".utf8)).finalize())
        #expect(fork.finalize() == checksum(algorithm, Array("hello there".utf8)).finalize())
        // finalize() does not consume: updates may continue afterwards.
        var continued = StreamingChecksum(algorithm)
        continued.update("hello ".utf8)
        #expect(continued.finalize() == snapshot)
        continued.update("world".utf8)
        #expect(continued.finalize() == original.finalize())
    }

    @Test func nonContiguousSequencesAreAccepted() {
        var fromLazy = StreamingChecksum(.crc32)
        fromLazy.update("hello world".utf8.lazy.map { $0 })
        #expect(fromLazy.base64() == "DUoRhQ==")
        var fromString = StreamingChecksum(.crc32)
        fromString.update("hello world".utf8)
        #expect(fromString.base64() == "DUoRhQ==")
    }

    @Test func base64MatchesFoundation() {
        for length in 0..<40 {
            let bytes = pseudoRandomBytes(length, seed: UInt64(length) + 7)
            #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString())
        }
    }
}

@Suite struct ChecksumAlgorithmTests {
    @Test func headerNamesRoundTrip() {
        for algorithm in ChecksumAlgorithm.allCases {
            #expect(ChecksumAlgorithm(headerName: algorithm.headerName) == algorithm)
            #expect(ChecksumAlgorithm(headerName: algorithm.headerName.uppercased()) == algorithm)
            #expect(ChecksumAlgorithm(sdkName: algorithm.sdkName) == algorithm)
        }
        #expect(ChecksumAlgorithm.crc32.headerName == "x-amz-checksum-crc32")
        #expect(ChecksumAlgorithm.crc64nvme.headerName == "x-amz-checksum-crc64nvme")
        #expect(ChecksumAlgorithm(headerName: "X-Amz-Checksum-CRC32C") == .crc32c)
    }

    @Test func sdkNames() {
        #expect(ChecksumAlgorithm(sdkName: "CRC32") == .crc32)
        #expect(ChecksumAlgorithm(sdkName: "CRC32C") == .crc32c)
        #expect(ChecksumAlgorithm(sdkName: "CRC64NVME") == .crc64nvme)
        #expect(ChecksumAlgorithm(sdkName: "SHA1") == .sha1)
        #expect(ChecksumAlgorithm(sdkName: "SHA256") == .sha256)
        #expect(ChecksumAlgorithm.crc64nvme.sdkName == "CRC64NVME")
    }

    @Test(arguments: [
        "x-amz-checksum-md5", "x-amz-checksum-", "x-amz-checksum-type", "x-amz-checksum-mode", "crc32",
        "x-amz-checksum-crc32 ", "content-md5", "",
    ])
    func unknownHeaderNamesAreRejected(_ name: String) {
        #expect(ChecksumAlgorithm(headerName: name) == nil)
    }

    @Test(arguments: ["MD5", "CRC-32", "crc32 ", "x-amz-checksum-crc32", "", "XXHASH64"])
    func unknownSDKNamesAreRejected(_ name: String) {
        #expect(ChecksumAlgorithm(sdkName: name) == nil)
    }
}
