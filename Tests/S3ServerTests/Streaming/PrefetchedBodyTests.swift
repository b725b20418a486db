import Dispatch
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
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

    /// The pacer lets at most about two intervals through while the HTTP client's loop has not
    /// run the writes queued before them, and the body arrives whole once it does.
    @Test func pacerHoldsTheBodyWhileTheLoopIsBehind() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let release = DispatchSemaphore(value: 0)
        group.next().execute { release.wait() }  // the loop is busy: no mark can run
        var body = try await prefetched(["ab", "cd", "ef", "gh"])
        body.pacer = UpstreamWritePacer(group: group, interval: 2)
        let taken = NIOLockedValueBox<[String]>([])
        let reading = Task { [body] in
            var reader = body.makeAsyncIterator()
            while let buffer = try await reader.next() { taken.withLockedValue { $0.append(String(buffer: buffer)) } }
        }
        for _ in 0..<500 where taken.withLockedValue({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(200))
        // "ab" and "cd" went (the first marks are queued behind the busy task); "ef" waits for them.
        #expect(taken.withLockedValue { $0 } == ["ab", "cd"])
        release.signal()
        try await reading.value
        #expect(taken.withLockedValue { $0 } == ["ab", "cd", "ef", "gh"])
        try await group.shutdownGracefully()
    }
}
