import Foundation
import NIOCore
import Shared

/// The S3 documentation's chunked-upload example, read through `S3DocExamples` (which finds
/// `../shared/sigv4-vectors` beside the repository).
struct AWSChunkedDocExample {
    let date: AmzDate
    let signingKey: SigV4SigningKey
    let seedSignature: String
    let chunks: [S3DocExamples.Chunk]
    let decodedContentLength: Int64
    /// The framed body, built from `body_layout`: `<hex>;chunk-signature=<sig>\r\n<data>\r\n … 0;chunk-signature=<sig>\r\n\r\n`.
    let body: [UInt8]
    /// The payload: 65 536 + 1 024 bytes of `a`.
    let payload: [UInt8]

    static func load() throws -> AWSChunkedDocExample {
        let file = try S3DocExamples.load()
        guard let seed = file.vectors.first(where: { $0.name == "streaming-put-seed" }),
            let chunked = file.vectors.first(where: { $0.name == "streaming-put-chunks" }),
            let seedSignature = chunked.seed_signature, seedSignature == seed.signature,
            let chunks = chunked.chunks,
            let date = seed.headers?["x-amz-date"].flatMap({ AmzDate(parsing: $0) }),
            let decoded = seed.headers?["x-amz-decoded-content-length"].flatMap({ Int64($0) })
        else { throw CocoaError(.fileReadCorruptFile) }
        var body: [UInt8] = []
        var payload: [UInt8] = []
        for chunk in chunks {
            let bytes = [UInt8](repeating: chunk.chunk_byte.utf8.first!, count: chunk.chunk_len)
            body += Array(chunk.chunk_header.utf8) + Array("\r\n".utf8) + bytes + Array("\r\n".utf8)
            payload += bytes
        }
        return AWSChunkedDocExample(
            date: date,
            signingKey: SigV4SigningKey(
                secretAccessKey: file.meta.secret_key,
                scope: SigV4Scope(date: date, region: file.meta.region, service: file.meta.service)
            ),
            seedSignature: seedSignature,
            chunks: chunks,
            decodedContentLength: decoded,
            body: body,
            payload: payload
        )
    }

    var signer: SigV4ChunkSigner { SigV4ChunkSigner(signingKey: signingKey, date: date, seedSignature: seedSignature) }
}

/// What a decoder produced for a whole body.
struct AWSChunkedDecoded: Equatable {
    var payload: ByteBuffer
    var trailers: [AWSChunkedTrailer]?
    /// Outputs after `.trailers` (must be none).
    var outputsAfterTrailers = 0
}

enum AWSChunkedHarness {
    /// Feeds `pieces` in order, then finishes.
    static func decode(_ pieces: [ArraySlice<UInt8>], configuration: () -> AWSChunkedDecoder) throws(AWSChunkedError) -> AWSChunkedDecoded {
        try decode(pieces.map { ByteBuffer(bytes: $0) }, configuration: configuration)
    }

    /// Feeds `pieces` in order, then finishes.
    static func decode(_ pieces: [ByteBuffer], configuration: () -> AWSChunkedDecoder) throws(AWSChunkedError) -> AWSChunkedDecoded {
        var decoder = configuration()
        var result = AWSChunkedDecoded(payload: ByteBuffer(), trailers: nil)
        for piece in pieces {
            for output in try decoder.feed(piece) {
                switch output {
                case .data(var bytes):
                    if result.trailers != nil { result.outputsAfterTrailers += 1 }
                    result.payload.writeBuffer(&bytes)
                case .trailers(let trailers):
                    if result.trailers != nil { result.outputsAfterTrailers += 1 }
                    result.trailers = trailers
                }
            }
        }
        try decoder.finish()
        return result
    }

    static func whole(_ body: [UInt8]) -> [ArraySlice<UInt8>] { [body[...]] }

    static func split(_ body: [UInt8], at offset: Int) -> [ArraySlice<UInt8>] { [body[..<offset], body[offset...]] }

    /// Two zero-copy slices of `body` (for the every-offset loops over large bodies).
    static func split(_ body: ByteBuffer, at offset: Int) -> [ByteBuffer] {
        [body.getSlice(at: body.readerIndex, length: offset)!, body.getSlice(at: body.readerIndex + offset, length: body.readableBytes - offset)!]
    }

    static func bytewise(_ body: [UInt8]) -> [ArraySlice<UInt8>] { body.indices.map { body[$0...$0] } }

    /// The error `pieces` produce, or `nil` if they decode.
    static func error(_ pieces: [ArraySlice<UInt8>], configuration: () -> AWSChunkedDecoder) -> AWSChunkedError? {
        do {
            _ = try decode(pieces, configuration: configuration)
            return nil
        } catch {
            return error
        }
    }
}
