import Hummingbird
import NIOCore
import Testing

@testable import S3Server

@Suite struct PrefetchedBodyTests {
    static func stream(_ buffers: [ByteBuffer]) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            for buffer in buffers { continuation.yield(buffer) }
            continuation.finish()
        }
    }

    /// A verified unsigned body of `parts`, its first buffer already read (as the proxy does).
    func prefetched(_ parts: [String], outcome: BodyOutcome = BodyOutcome()) async throws -> PrefetchedBody {
        let buffers = parts.map { ByteBuffer(string: $0) }
        let length = Int64(parts.reduce(0) { $0 + $1.utf8.count })
        let client = ClientRequestBody(
            base: RequestBody(asyncSequence: Self.stream(buffers)), chunked: nil, trailers: TrailerBox(), outcome: outcome)
        var iterator = VerifiedRequestBody(base: client, expectation: .unsigned, expectedLength: length, outcome: outcome)
            .makeAsyncIterator()
        let first = try await iterator.next()
        return PrefetchedBody(first: first, rest: .init(iterator))
    }

    @Test func notStartedUntilTheHTTPClientAsks() async throws {
        let outcome = BodyOutcome()
        let body = try await prefetched(["abc", "def"], outcome: outcome)
        #expect(outcome.began)  // the proxy's prefetch read the client's body
        #expect(!body.rest.started)  // but nothing went upstream: a retry may reuse it
        #expect(body.rest.stalledFor(now: .now + .seconds(60)) == .zero)
        var reader = body.makeAsyncIterator()
        _ = try await reader.next()
        #expect(body.rest.started)
        #expect(!body.rest.finished)
    }

    @Test func stallIsTheTimeSinceTheLastBufferWasTaken() async throws {
        let body = try await prefetched(["abc", "def"])
        var reader = body.makeAsyncIterator()
        _ = try await reader.next()
        #expect(body.rest.stalledFor(now: .now + .seconds(5)) >= .seconds(4))
        var all: [String] = []
        while let buffer = try await reader.next() { all.append(String(buffer: buffer)) }
        #expect(body.rest.finished)
        #expect(!body.rest.failed)
        // A finished body is the answer's business (the read timeout), not a stall.
        #expect(body.rest.stalledFor(now: .now + .seconds(60)) == .zero)
    }

    @Test func bodyFailureIsRecorded() async throws {
        // Announces 10 bytes, delivers 6: the verifier fails at the end.
        let outcome = BodyOutcome()
        let client = ClientRequestBody(
            base: RequestBody(asyncSequence: Self.stream([ByteBuffer(string: "abc"), ByteBuffer(string: "def")])), chunked: nil,
            trailers: TrailerBox(), outcome: outcome)
        var iterator = VerifiedRequestBody(base: client, expectation: .unsigned, expectedLength: 10, outcome: outcome).makeAsyncIterator()
        let first = try await iterator.next()
        let body = PrefetchedBody(first: first, rest: .init(iterator))
        var reader = body.makeAsyncIterator()
        await #expect(throws: (any Error).self) {
            while try await reader.next() != nil {}
        }
        #expect(body.rest.failed)
    }
}
