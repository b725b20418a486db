import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import Shared

/// The request body as the client framed it, unframed: plain bodies pass through; aws-chunked
/// bodies go through `AWSChunkedDecoder`, so backends only ever see the decoded payload.
///
/// Chunk and trailer signatures are verified by the decoder; the trailers it parsed are left in
/// `trailers` for the checksum check that `PayloadVerifier` makes at the end of the body.
struct ClientRequestBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// How an aws-chunked body is decoded.
    struct Chunked: Sendable {
        let mode: AWSChunkedDecoder.Mode
        let expectedTrailers: [String]
        let decodedLength: Int64?
    }

    let base: RequestBody
    let chunked: Chunked?
    let trailers: TrailerBox
    let outcome: BodyOutcome

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        var decoder: AWSChunkedDecoder?
        let trailers: TrailerBox
        let outcome: BodyOutcome
        var pending: [ByteBuffer] = []
        var ended = false

        mutating func next() async throws -> ByteBuffer? {
            guard decoder != nil else { return try await base.next() }
            while pending.isEmpty {
                if ended { return nil }
                let next = try await base.next()
                do {
                    guard let buffer = next else {
                        ended = true
                        try decoder!.finish()
                        return nil
                    }
                    for output in try decoder!.feed(buffer) {
                        switch output {
                        case .data(let data): if data.readableBytes > 0 { pending.append(data) }
                        case .trailers(let parsed): trailers.store(parsed)
                        }
                    }
                } catch {
                    ended = true
                    outcome.record(.framingFailed(error))
                    throw error
                }
            }
            return pending.removeFirst()
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        outcome.markBegan()
        return AsyncIterator(
            base: base.makeAsyncIterator(),
            decoder: chunked.map { AWSChunkedDecoder(mode: $0.mode, expectedTrailers: $0.expectedTrailers, decodedContentLength: $0.decodedLength) },
            trailers: trailers, outcome: outcome)
    }
}

/// The trailers of an aws-chunked body, once parsed.
final class TrailerBox: Sendable {
    private let value = NIOLockedValueBox<[AWSChunkedTrailer]>([])

    func store(_ trailers: [AWSChunkedTrailer]) { value.withLockedValue { $0 = trailers } }

    func value(named name: String) -> String? {
        value.withLockedValue { trailers in trailers.first { $0.name.lowercased() == name }?.value }
    }
}

extension ClientRequestBody.AsyncIterator: @unchecked Sendable {}
