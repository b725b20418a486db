import Foundation
import NIOCore
import Shared
import Testing

/// The bodies every well-formed test runs against, under every way of splitting them.
private enum Bodies {
    static let crc32Name = "x-amz-checksum-crc32"
    /// CRC32("hello world") = 0x0d4a1185, base64 of the big-endian bytes.
    static let crc32HelloWorld = "DUoRhQ=="

    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER` as boto3 sends it (two chunks, CRC32 trailer).
    static let unsignedTrailer: [UInt8] = Array("6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n".utf8)

    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: `chunks` signed along the chain from the
    /// example's seed, the final chunk, `trailers`, and the trailer signature over
    /// sha256(`name:value\n`…).
    static func signedTrailer(
        _ example: AWSChunkedDocExample,
        chunks: [[UInt8]],
        trailers: [(String, String)],
        signTrailerLines: [(String, String)]? = nil
    ) -> [UInt8] {
        var signer = example.signer
        var body: [UInt8] = []
        for chunk in chunks + [[]] {
            let signature = signer.nextChunkSignature(sha256: SigV4SigningKey.sha256Hex(bytes: chunk))
            body += Array("\(String(chunk.count, radix: 16));chunk-signature=\(signature)\r\n".utf8) + chunk
            if !chunk.isEmpty { body += Array("\r\n".utf8) }
        }
        var canonical = ""
        for (name, value) in signTrailerLines ?? trailers { canonical += "\(name):\(value)\n" }
        for (name, value) in trailers { body += Array("\(name):\(value)\r\n".utf8) }
        let trailerSignature = signer.nextTrailerSignature(sha256: SigV4SigningKey.sha256Hex(canonical))
        body += Array("x-amz-trailer-signature:\(trailerSignature)\r\n\r\n".utf8)
        return body
    }

    static func helloWorldSignedTrailer(_ example: AWSChunkedDocExample) -> [UInt8] {
        signedTrailer(example, chunks: [Array("hello ".utf8), Array("world".utf8)], trailers: [(crc32Name, crc32HelloWorld)])
    }
}

/// A well-formed body, the decoder for it, and what it must decode to.
private struct WellFormed: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var body: @Sendable (AWSChunkedDocExample) -> [UInt8]
    var decoder: @Sendable (AWSChunkedDocExample) -> AWSChunkedDecoder
    var payload: @Sendable (AWSChunkedDocExample) -> [UInt8]
    var trailers: [AWSChunkedTrailer]

    static let all: [WellFormed] = [
        WellFormed(
            testDescription: "S3 doc example, STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            body: { $0.body },
            decoder: { AWSChunkedDecoder(mode: .signed($0.signer), decodedContentLength: $0.decodedContentLength) },
            payload: { $0.payload },
            trailers: []
        ),
        WellFormed(
            testDescription: "boto3-style STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            body: { _ in Bodies.unsignedTrailer },
            decoder: { _ in
                AWSChunkedDecoder(mode: .unsignedWithTrailer, expectedTrailers: ["X-Amz-Checksum-CRC32"], decodedContentLength: 11)
            },
            payload: { _ in Array("hello world".utf8) },
            trailers: [AWSChunkedTrailer(name: Bodies.crc32Name, value: Bodies.crc32HelloWorld)]
        ),
        WellFormed(
            testDescription: "constructed STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
            body: { Bodies.helloWorldSignedTrailer($0) },
            decoder: {
                AWSChunkedDecoder(mode: .signedWithTrailer($0.signer), expectedTrailers: [Bodies.crc32Name], decodedContentLength: 11)
            },
            payload: { _ in Array("hello world".utf8) },
            trailers: [AWSChunkedTrailer(name: Bodies.crc32Name, value: Bodies.crc32HelloWorld)]
        ),
    ]
}

@Suite("AWSChunkedDecoder")
struct AWSChunkedDecoderTests {
    @Test("the S3 documentation example body is the documented 66824 bytes")
    func docExampleShape() throws {
        let example = try AWSChunkedDocExample.load()
        #expect(example.body.count == 66_824)
        #expect(example.payload.count == 66_560)
        #expect(example.decodedContentLength == 66_560)
        #expect(example.payload.allSatisfy { $0 == UInt8(ascii: "a") })
        #expect(example.chunks.map(\.chunk_len) == [65_536, 1_024, 0])
    }

    @Test("decodes in one piece", arguments: WellFormed.all)
    fileprivate func wholeBody(_ testCase: WellFormed) throws {
        let example = try AWSChunkedDocExample.load()
        let decoded = try AWSChunkedHarness.decode(AWSChunkedHarness.whole(testCase.body(example))) { testCase.decoder(example) }
        #expect(decoded.payload == ByteBuffer(bytes: testCase.payload(example)))
        #expect(decoded.trailers == testCase.trailers)
        #expect(decoded.outputsAfterTrailers == 0)
    }

    @Test("decodes identically when split into two pieces at every offset", arguments: WellFormed.all)
    fileprivate func everySplit(_ testCase: WellFormed) throws {
        let example = try AWSChunkedDocExample.load()
        let body = ByteBuffer(bytes: testCase.body(example))
        let expected = AWSChunkedDecoded(payload: ByteBuffer(bytes: testCase.payload(example)), trailers: testCase.trailers)
        var failures: [Int] = []
        for offset in 0...body.readableBytes {
            let decoded = try AWSChunkedHarness.decode(AWSChunkedHarness.split(body, at: offset)) { testCase.decoder(example) }
            if decoded != expected { failures.append(offset) }
        }
        #expect(failures.isEmpty, "offsets with different output: \(failures.prefix(20))")
    }

    @Test("decodes identically when fed byte by byte", arguments: WellFormed.all)
    fileprivate func byteByByte(_ testCase: WellFormed) throws {
        let example = try AWSChunkedDocExample.load()
        let decoded = try AWSChunkedHarness.decode(AWSChunkedHarness.bytewise(testCase.body(example))) { testCase.decoder(example) }
        #expect(decoded.payload == ByteBuffer(bytes: testCase.payload(example)))
        #expect(decoded.trailers == testCase.trailers)
        #expect(decoded.outputsAfterTrailers == 0)
    }

    @Test("data is released as it arrives, not held per chunk")
    func eagerRelease() throws {
        let example = try AWSChunkedDocExample.load()
        var decoder = AWSChunkedDecoder(mode: .signed(example.signer), decodedContentLength: example.decodedContentLength)
        // Header of the first (65536-byte) chunk plus 100 data bytes.
        let headerLength = example.chunks[0].chunk_header.utf8.count + 2
        let outputs = try decoder.feed(ByteBuffer(bytes: example.body[..<(headerLength + 100)]))
        #expect(outputs == [.data(ByteBuffer(repeating: UInt8(ascii: "a"), count: 100))])
        #expect(decoder.decodedByteCount == 100)
        #expect(!decoder.isComplete)
        // The rest, in an empty and a full piece.
        #expect(try decoder.feed(ByteBuffer()) == [])
        let rest = try decoder.feed(ByteBuffer(bytes: example.body[(headerLength + 100)...]))
        #expect(rest.last == .trailers([]))
        #expect(decoder.isComplete)
        try decoder.finish()
    }

    @Test("a tampered data byte fails the chunk signature at every position", arguments: [0, 1, 32_768, 65_535, 65_536, 66_559])
    func tamperedPayload(payloadIndex: Int) throws {
        let example = try AWSChunkedDocExample.load()
        var body = example.body
        let firstHeader = example.chunks[0].chunk_header.utf8.count + 2
        let secondHeader = example.chunks[1].chunk_header.utf8.count + 2
        let bodyIndex = payloadIndex < 65_536 ? firstHeader + payloadIndex : firstHeader + 65_536 + 2 + secondHeader + payloadIndex - 65_536
        #expect(body[bodyIndex] == UInt8(ascii: "a"))
        body[bodyIndex] = UInt8(ascii: "b")
        let expected = AWSChunkedError.chunkSignatureMismatch(chunkIndex: payloadIndex < 65_536 ? 0 : 1)
        let configuration = { AWSChunkedDecoder(mode: .signed(example.signer), decodedContentLength: example.decodedContentLength) }
        #expect(AWSChunkedHarness.error(AWSChunkedHarness.whole(body), configuration: configuration) == expected)
        #expect(AWSChunkedHarness.error(AWSChunkedHarness.split(body, at: bodyIndex + 1), configuration: configuration) == expected)
    }

    @Test("a failed decoder rethrows its error")
    func staysFailed() throws {
        var decoder = AWSChunkedDecoder(mode: .unsignedWithTrailer)
        #expect(throws: AWSChunkedError.invalidChunkSize) { _ = try decoder.feed(ByteBuffer(string: "z\r\n")) }
        #expect(throws: AWSChunkedError.invalidChunkSize) { _ = try decoder.feed(ByteBuffer(string: "0\r\n\r\n")) }
        #expect(throws: AWSChunkedError.invalidChunkSize) { try decoder.finish() }
    }

    @Test("an unsigned body without trailers decodes when none are announced")
    func unsignedNoTrailer() throws {
        let decoded = try AWSChunkedHarness.decode(AWSChunkedHarness.whole(Array("3\r\nabc\r\n0\r\n\r\n".utf8))) {
            AWSChunkedDecoder(mode: .unsignedWithTrailer)
        }
        #expect(decoded.payload == ByteBuffer(string: "abc"))
        #expect(decoded.trailers == [])
    }

    @Test("chunk sizes: leading zeros, upper case, 1 MiB as aws-cli sends")
    func chunkSizes() throws {
        let mebibyte = [UInt8](repeating: 7, count: 1 << 20)
        let body = Array("00100000\r\n".utf8) + mebibyte + Array("\r\nA\r\n0123456789\r\n0\r\n\r\n".utf8)
        let decoded = try AWSChunkedHarness.decode(AWSChunkedHarness.split(body, at: 5000)) {
            AWSChunkedDecoder(mode: .unsignedWithTrailer, decodedContentLength: (1 << 20) + 10)
        }
        #expect(decoded.payload == ByteBuffer(bytes: mebibyte + Array("0123456789".utf8)))
    }

    @Test("trailer values are trimmed, names lowercased, several trailers kept in order")
    func trailerParsing() throws {
        let body = Array("0\r\nX-Amz-Checksum-CRC32: \tDUoRhQ== \r\nx-amz-meta-a:\r\n\r\n".utf8)
        let decoded = try AWSChunkedHarness.decode(AWSChunkedHarness.bytewise(body)) {
            AWSChunkedDecoder(mode: .unsignedWithTrailer, expectedTrailers: ["x-amz-checksum-crc32", "x-amz-meta-a"], decodedContentLength: 0)
        }
        #expect(
            decoded.trailers == [
                AWSChunkedTrailer(name: "x-amz-checksum-crc32", value: "DUoRhQ=="), AWSChunkedTrailer(name: "x-amz-meta-a", value: ""),
            ]
        )
    }
}

// MARK: - Trailer signature known answer

/// aws-c-auth's `sigv4_trailing_headers_signing_test`: the S3 documentation's chunked upload,
/// followed by three trailers and a signature computed by AWS's own signer. The lines are
/// hashed sorted by name (`first:1st\nsecond:2nd\nthird:3rd\n`), whatever order they arrive in.
@Suite struct AWSChunkedTrailerSignatureTests {
    static let awsCAuthTrailerSignature = "df5735bd9f3295cd9386572292562fefc93ba94e80a0a1ddcbd652c4e0a75e6c"

    func body(_ example: AWSChunkedDocExample, trailerLines: [String]) -> [UInt8] {
        // The doc body ends with the final chunk header's CRLF and the empty line; the trailers go between.
        var body = Array(example.body.dropLast(2))
        for line in trailerLines { body += Array("\(line)\r\n".utf8) }
        return body + Array("x-amz-trailer-signature:\(Self.awsCAuthTrailerSignature)\r\n\r\n".utf8)
    }

    @Test(arguments: [
        ["first:1st", "second:2nd", "third:3rd"],
        ["third:3rd", "first:1st", "second:2nd"],
        ["Second:  2nd ", "THIRD:3rd", "first:1st"],
    ])
    func awsCAuthVectorVerifies(lines: [String]) throws {
        let example = try AWSChunkedDocExample.load()
        let decoded = try AWSChunkedHarness.decode(AWSChunkedHarness.bytewise(body(example, trailerLines: lines))) {
            AWSChunkedDecoder(
                mode: .signedWithTrailer(example.signer), expectedTrailers: ["first", "second", "third"],
                decodedContentLength: example.decodedContentLength)
        }
        #expect(decoded.payload == ByteBuffer(bytes: example.payload))
        #expect(Set((decoded.trailers ?? []).map(\.name)) == ["first", "second", "third"])
    }

    @Test func aChangedTrailerValueFails() throws {
        let example = try AWSChunkedDocExample.load()
        #expect(throws: AWSChunkedError.trailerSignatureMismatch) {
            _ = try AWSChunkedHarness.decode(AWSChunkedHarness.bytewise(body(example, trailerLines: ["first:1st", "second:2nd", "third:3rd!"]))) {
                AWSChunkedDecoder(mode: .signedWithTrailer(example.signer), expectedTrailers: ["first", "second", "third"])
            }
        }
    }
}

// MARK: - Malformed input

private enum ModeKind: Sendable {
    case unsigned
    case signed
    case signedTrailer
}

private struct Malformed: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var mode: ModeKind
    var expectedTrailers: [String] = [Bodies.crc32Name]
    var decodedContentLength: Int64? = nil
    var body: @Sendable (AWSChunkedDocExample) -> [UInt8]
    var error: AWSChunkedError

    init(
        _ description: String,
        _ mode: ModeKind,
        trailers: [String] = [Bodies.crc32Name],
        decodedLength: Int64? = nil,
        _ body: @escaping @Sendable (AWSChunkedDocExample) -> [UInt8],
        _ error: AWSChunkedError
    ) {
        self.testDescription = description
        self.mode = mode
        self.expectedTrailers = trailers
        self.decodedContentLength = decodedLength
        self.body = body
        self.error = error
    }

    init(
        _ description: String,
        trailers: [String] = [Bodies.crc32Name],
        decodedLength: Int64? = nil,
        unsigned text: String,
        _ error: AWSChunkedError
    ) {
        self.init(description, .unsigned, trailers: trailers, decodedLength: decodedLength, { _ in Array(text.utf8) }, error)
    }

    func decoder(_ example: AWSChunkedDocExample) -> AWSChunkedDecoder {
        let mode: AWSChunkedDecoder.Mode =
            switch self.mode {
            case .unsigned: .unsignedWithTrailer
            case .signed: .signed(example.signer)
            case .signedTrailer: .signedWithTrailer(example.signer)
            }
        return AWSChunkedDecoder(mode: mode, expectedTrailers: expectedTrailers, decodedContentLength: decodedContentLength)
    }

    static let trailer = "x-amz-checksum-crc32:DUoRhQ==\r\n"
    static let unsignedBody = "6\r\nhello \r\n5\r\nworld\r\n0\r\n" + trailer + "\r\n"

    /// The doc example with `transform` applied to its text (the body is ASCII).
    static func doc(_ transform: @escaping @Sendable (String) -> String) -> @Sendable (AWSChunkedDocExample) -> [UInt8] {
        { Array(transform(String(decoding: $0.body, as: UTF8.self)).utf8) }
    }

    static let all: [Malformed] = [
        // Chunk sizes.
        Malformed("non-hex chunk size", unsigned: "g\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Malformed("empty chunk size", unsigned: "\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Malformed("negative chunk size", unsigned: "-1\r\nh\r\n0\r\n\r\n", .invalidChunkSize),
        Malformed("space after chunk size", unsigned: "5 \r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Malformed("17 hex digits", unsigned: "00000000000000005\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        Malformed("chunk size overflowing Int", unsigned: "ffffffffffffffff\r\nhello\r\n", .invalidChunkSize),
        Malformed("0x prefix", unsigned: "0x5\r\nhello\r\n0\r\n\r\n", .invalidChunkSize),
        // CRLF.
        Malformed("bare LF after chunk header", unsigned: "5\nhello\r\n0\r\n" + trailer + "\r\n", .missingCRLF),
        Malformed("CR without LF after chunk header", unsigned: "5\rhello\r\n0\r\n" + trailer + "\r\n", .missingCRLF),
        Malformed("no CRLF after chunk data", unsigned: "5\r\nhello0\r\n" + trailer + "\r\n", .missingCRLF),
        Malformed("bare LF after chunk data", unsigned: "5\r\nhello\n0\r\n" + trailer + "\r\n", .missingCRLF),
        Malformed("chunk data longer than its size", unsigned: "3\r\nhello\r\n0\r\n" + trailer + "\r\n", .missingCRLF),
        Malformed("bare LF after trailer line", unsigned: "0\r\nx-amz-checksum-crc32:DUoRhQ==\n\r\n", .missingCRLF),
        Malformed("bare LF ending the trailer section", unsigned: "0\r\n" + trailer + "\n", .missingCRLF),
        // Bounds.
        Malformed("oversized chunk header line", unsigned: String(repeating: "0", count: 5000) + "5\r\nhello\r\n", .chunkHeaderTooLong),
        Malformed("oversized unsigned header with extension", unsigned: "5;" + String(repeating: "x", count: 5000) + "\r\n", .chunkHeaderTooLong),
        Malformed(
            "oversized trailer section",
            unsigned: "0\r\nx-amz-checksum-crc32:" + String(repeating: "A", count: 20_000) + "\r\n\r\n",
            .trailerSectionTooLong
        ),
        // Truncation and excess.
        Malformed("empty body", unsigned: "", .incompleteBody),
        Malformed("truncated in a chunk header", unsigned: "6\r", .incompleteBody),
        Malformed("truncated in chunk data", unsigned: "6\r\nhel", .incompleteBody),
        Malformed("truncated before the data CRLF", unsigned: "6\r\nhello ", .incompleteBody),
        Malformed("truncated after the data CR", unsigned: "6\r\nhello \r", .incompleteBody),
        Malformed("no final chunk", unsigned: "6\r\nhello \r\n5\r\nworld\r\n", .incompleteBody),
        Malformed("no end of trailer section", unsigned: "6\r\nhello \r\n5\r\nworld\r\n0\r\n" + trailer, .incompleteBody),
        Malformed("missing last LF", .unsigned, { _ in Array(unsignedBody.utf8.dropLast()) }, .incompleteBody),
        Malformed("a byte after the end", unsigned: unsignedBody + "x", .dataAfterEnd),
        Malformed("a CRLF after the end", unsigned: unsignedBody + "\r\n", .dataAfterEnd),
        Malformed("a second body after the end", unsigned: unsignedBody + unsignedBody, .dataAfterEnd),
        // Decoded length.
        Malformed("decoded length too short", decodedLength: 10, unsigned: unsignedBody, .decodedLengthMismatch(expected: 10, actual: 11)),
        Malformed("decoded length too long", decodedLength: 12, unsigned: unsignedBody, .decodedLengthMismatch(expected: 12, actual: 11)),
        Malformed(
            "decoded length exceeded by the first header",
            decodedLength: 5,
            unsigned: unsignedBody,
            .decodedLengthMismatch(expected: 5, actual: 6)
        ),
        // Extensions and trailers in the unsigned mode.
        Malformed(
            "chunk-signature in the unsigned mode",
            unsigned: "5;chunk-signature=" + String(repeating: "0", count: 64) + "\r\nhello\r\n0\r\n" + trailer + "\r\n",
            .unexpectedChunkExtension
        ),
        Malformed("empty chunk extension in the unsigned mode", unsigned: "5;\r\nhello\r\n0\r\n" + trailer + "\r\n", .unexpectedChunkExtension),
        Malformed("announced trailer missing", unsigned: "5\r\nhello\r\n0\r\n\r\n", .missingTrailer(Bodies.crc32Name)),
        Malformed(
            "unannounced trailer",
            unsigned: "0\r\n" + trailer + "x-amz-checksum-sha256:abc=\r\n\r\n",
            .unexpectedTrailer("x-amz-checksum-sha256")
        ),
        Malformed("trailer when none announced", trailers: [], unsigned: "0\r\n" + trailer + "\r\n", .unexpectedTrailer(Bodies.crc32Name)),
        Malformed("duplicate trailer", unsigned: "0\r\n" + trailer + trailer + "\r\n", .duplicateTrailer(Bodies.crc32Name)),
        Malformed("trailer line without colon", unsigned: "0\r\nx-amz-checksum-crc32 DUoRhQ==\r\n\r\n", .malformedTrailer),
        Malformed("trailer line with empty name", unsigned: "0\r\n:DUoRhQ==\r\n\r\n", .malformedTrailer),
        Malformed("trailer name with a space", unsigned: "0\r\nx-amz-checksum-crc32 :DUoRhQ==\r\n\r\n", .malformedTrailer),
        Malformed(
            "trailer signature in the unsigned mode",
            unsigned: "0\r\n" + trailer + "x-amz-trailer-signature:" + String(repeating: "0", count: 64) + "\r\n\r\n",
            .unexpectedTrailer("x-amz-trailer-signature")
        ),

        // The signed S3 doc example.
        Malformed(
            "signed: missing chunk signature",
            .signed,
            trailers: [],
            doc { $0.replacingFirst(";chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648", with: "") },
            .missingChunkSignature
        ),
        Malformed(
            "signed: final chunk without signature",
            .signed,
            trailers: [],
            doc { $0.replacingFirst(";chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9", with: "") },
            .missingChunkSignature
        ),
        Malformed(
            "signed: short signature",
            .signed,
            trailers: [],
            doc { $0.replacingFirst("ad80c730", with: "ad80c73") },
            .invalidChunkSignatureExtension
        ),
        Malformed(
            "signed: non-hex signature",
            .signed,
            trailers: [],
            doc { $0.replacingFirst("ad80c730", with: "ad80c73g") },
            .invalidChunkSignatureExtension
        ),
        Malformed(
            "signed: misspelt extension",
            .signed,
            trailers: [],
            doc { $0.replacingFirst("chunk-signature", with: "chunk-signatur") },
            .invalidChunkSignatureExtension
        ),
        Malformed(
            "signed: second extension",
            .signed,
            trailers: [],
            doc { $0.replacingFirst("a288648\r\n", with: "a288648;x=y\r\n") },
            .invalidChunkSignatureExtension
        ),
        Malformed(
            "signed: wrong first signature",
            .signed,
            trailers: [],
            doc { $0.replacingFirst("ad80c730", with: "ad80c731") },
            .chunkSignatureMismatch(chunkIndex: 0)
        ),
        Malformed(
            "signed: wrong final signature",
            .signed,
            trailers: [],
            doc { $0.replacingFirst("b6c6ea8a", with: "b6c6ea8b") },
            .chunkSignatureMismatch(chunkIndex: 2)
        ),
        Malformed(
            "signed: upper-case signature",
            .signed,
            trailers: [],
            doc { $0.replacingFirst("ad80c730a21e5b8d", with: "AD80C730A21E5B8D") },
            .chunkSignatureMismatch(chunkIndex: 0)
        ),
        Malformed(
            "signed: chunks swapped order of final",
            .signed,
            trailers: [],
            doc { $0.replacingFirst("400;", with: "0;") },
            .chunkSignatureMismatch(chunkIndex: 1)
        ),
        Malformed("signed: truncated", .signed, trailers: [], { Array($0.body.dropLast(3)) }, .incompleteBody),
        Malformed("signed: extra bytes", .signed, trailers: [], doc { $0 + "0\r\n\r\n" }, .dataAfterEnd),
        Malformed(
            "signed: trailer not allowed",
            .signed,
            trailers: [],
            { Array($0.body.dropLast(2)) + Array((trailer + "\r\n").utf8) },
            .unexpectedTrailer(Bodies.crc32Name)
        ),
        Malformed(
            "signed: decoded length mismatch",
            .signed,
            trailers: [],
            decodedLength: 66_561,
            { $0.body },
            .decodedLengthMismatch(expected: 66_561, actual: 66_560)
        ),

        // The constructed signed-trailer body.
        Malformed(
            "signed trailer: value tampered",
            .signedTrailer,
            { Array(String(decoding: Bodies.helloWorldSignedTrailer($0), as: UTF8.self).replacingFirst("DUoRhQ==", with: "DUoRhA==").utf8) },
            .trailerSignatureMismatch
        ),
        Malformed(
            "signed trailer: signed over CRLF lines",
            .signedTrailer,
            {
                Bodies.signedTrailer(
                    $0,
                    chunks: [Array("hello world".utf8)],
                    trailers: [(Bodies.crc32Name, Bodies.crc32HelloWorld)],
                    signTrailerLines: [(Bodies.crc32Name, Bodies.crc32HelloWorld + "\r")]
                )
            },
            .trailerSignatureMismatch
        ),
        Malformed(
            "signed trailer: signature missing",
            .signedTrailer,
            {
                Array(
                    String(decoding: Bodies.helloWorldSignedTrailer($0), as: UTF8.self).replacingFirst(
                        "x-amz-trailer-signature",
                        with: "x-amz-checksum-sha1"
                    ).utf8
                )
            },
            .unexpectedTrailer("x-amz-checksum-sha1")
        ),
        Malformed(
            "signed trailer: no signature line",
            .signedTrailer,
            { body in
                let text = String(decoding: Bodies.helloWorldSignedTrailer(body), as: UTF8.self)
                let cut = text.range(of: "x-amz-trailer-signature")!.lowerBound
                return Array((text[..<cut] + "\r\n").utf8)
            },
            .missingTrailerSignature
        ),
        Malformed(
            "signed trailer: overlong trailer signature",
            .signedTrailer,
            {
                Array(
                    String(decoding: Bodies.helloWorldSignedTrailer($0), as: UTF8.self).replacingFirst("\r\n\r\n", with: "0\r\n\r\n", last: true).utf8
                )
            },
            .trailerSignatureMismatch
        ),
        Malformed(
            "signed trailer: line after signature",
            .signedTrailer,
            { Array(Bodies.helloWorldSignedTrailer($0).dropLast(2)) + Array((trailer + "\r\n").utf8) },
            .trailerAfterSignature
        ),
        Malformed(
            "signed trailer: chunk tampered",
            .signedTrailer,
            { Array(String(decoding: Bodies.helloWorldSignedTrailer($0), as: UTF8.self).replacingFirst("world", with: "World").utf8) },
            .chunkSignatureMismatch(chunkIndex: 1)
        ),
        Malformed(
            "signed trailer: announced trailer missing",
            .signedTrailer,
            { Bodies.signedTrailer($0, chunks: [Array("hello world".utf8)], trailers: []) },
            .missingTrailer(Bodies.crc32Name)
        ),
    ]
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String, last: Bool = false) -> String {
        guard let range = last ? self.range(of: target, options: .backwards) : self.range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}

@Suite("AWSChunkedDecoder malformed input")
struct AWSChunkedDecoderMalformedTests {
    @Test("fails with the expected error, in one piece and byte by byte", arguments: Malformed.all)
    fileprivate func malformed(_ testCase: Malformed) throws {
        let example = try AWSChunkedDocExample.load()
        let body = testCase.body(example)
        let whole = AWSChunkedHarness.error(AWSChunkedHarness.whole(body)) { testCase.decoder(example) }
        #expect(whole == testCase.error)
        if body.count < 30_000 {
            let bytewise = AWSChunkedHarness.error(AWSChunkedHarness.bytewise(body)) { testCase.decoder(example) }
            #expect(bytewise == testCase.error)
        }
    }
}
