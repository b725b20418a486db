import NIOConcurrencyHelpers
import NIOCore

/// A single-use body whose first buffer was already read: it yields that buffer, then the rest
/// of the iterator it took over.
///
/// Its box also tells how the upload goes: until the HTTP client asks for the first buffer
/// nothing of the body has gone anywhere, so the same body may be handed to a retried request
/// (`started`); and how long the HTTP client has not asked for more (`stalledFor`), which is a
/// backend that stopped reading.
struct PrefetchedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// Holds the iterator so that the sequence can be Sendable; consumed by exactly one reader.
    final class IteratorBox: @unchecked Sendable {
        var iterator: BackendRequestBody.AsyncIterator
        private struct State {
            var started = false
            var failed = false
            var finished = false
            /// A `next()` is under way: waiting for our client's bytes is not the backend's fault.
            var pulling = false
            var lastReturned = ContinuousClock.now
            /// The request was given up: no further `next()` reaches the client's body.
            var abandoned = false
            /// Waiting in ``abandon(waitingAtMost:)`` for the `next()` under way to return.
            var waiters: [ResumeOnce] = []
        }
        private let state = NIOLockedValueBox(State())
        init(_ iterator: BackendRequestBody.AsyncIterator) { self.iterator = iterator }

        /// Whether any buffer was asked for (and so possibly sent upstream).
        var started: Bool { state.withLockedValue { $0.started } }
        /// Whether the client's body itself failed (verification, framing, client gone): the
        /// request's failure is then the body's, not the backend's.
        var failed: Bool { state.withLockedValue { $0.failed } }
        /// Whether the whole body was handed over.
        var finished: Bool { state.withLockedValue { $0.finished } }

        /// How long the body has waited for the HTTP client to take its next buffer (zero
        /// before it started, while a buffer is being fetched, and once it finished).
        func stalledFor(now: ContinuousClock.Instant = .now) -> Duration {
            state.withLockedValue { state in
                guard state.started, !state.pulling, !state.finished else { return .zero }
                return now - state.lastReturned
            }
        }

        /// Stops the HTTP client from reading the client's body any further, and waits (bounded)
        /// for a read under way to return. The request body is a single-reader stream that
        /// Hummingbird reads again once the responder returns; a read of ours still pending then
        /// would be a second concurrent reader, which NIO traps on.
        func abandon(waitingAtMost limit: Duration) async {
            let pending: Bool = state.withLockedValue {
                $0.abandoned = true
                return $0.pulling
            }
            guard pending else { return }
            // Whichever comes first, the read returning or the limit, ends the wait; a stalled
            // client must not hold the responder forever.
            let timer = NIOLockedValueBox<Task<Void, Never>?>(nil)
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let waiter = ResumeOnce(continuation)
                let returnedAlready: Bool = state.withLockedValue {
                    guard $0.pulling else { return true }
                    $0.waiters.append(waiter)
                    return false
                }
                if returnedAlready {
                    waiter.resume()
                    return
                }
                timer.withLockedValue {
                    $0 = Task {
                        try? await Task.sleep(for: limit)
                        waiter.resume()
                    }
                }
            }
            timer.withLockedValue { $0?.cancel() }
        }

        /// - Returns: false when the request was abandoned: no read may start.
        fileprivate func willPull() -> Bool {
            state.withLockedValue {
                guard !$0.abandoned else { return false }
                $0.started = true
                $0.pulling = true
                return true
            }
        }

        fileprivate func didPull(_ buffer: ByteBuffer?) {
            let waiters = state.withLockedValue { state in
                state.pulling = false
                state.finished = buffer == nil
                state.lastReturned = .now
                let waiters = state.waiters
                state.waiters = []
                return waiters
            }
            for waiter in waiters { waiter.resume() }
        }

        fileprivate func didFail() {
            let waiters = state.withLockedValue { state in
                state.pulling = false
                state.failed = true
                let waiters = state.waiters
                state.waiters = []
                return waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    let first: ByteBuffer?
    let rest: IteratorBox
    /// Paces the HTTP client's reads to its writes; none in tests without an HTTP client.
    var pacer: UpstreamWritePacer? = nil

    struct AsyncIterator: AsyncIteratorProtocol {
        var first: ByteBuffer?
        var started = false
        let rest: IteratorBox
        let pacer: UpstreamWritePacer?
        /// Bytes handed over since the pacer last marked the loops.
        var unpaced = 0
        /// The pacer's marks of the interval before.
        var marks: [EventLoopFuture<Void>] = []

        mutating func next() async throws -> ByteBuffer? {
            if let pacer, unpaced >= pacer.interval {
                let previous = marks
                marks = pacer.mark()
                unpaced = 0
                await UpstreamWritePacer.wait(for: previous)
            }
            let buffer = try await pull()
            unpaced += buffer?.readableBytes ?? 0
            return buffer
        }

        private mutating func pull() async throws -> ByteBuffer? {
            guard rest.willPull() else { throw CancellationError() }
            if !started {
                started = true
                rest.didPull(first)
                return first
            }
            do {
                let buffer = try await rest.iterator.next()
                rest.didPull(buffer)
                return buffer
            } catch {
                rest.didFail()
                throw error
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(first: first, rest: rest, pacer: pacer) }
}

/// A continuation that more than one party may try to resume; only the first does.
final class ResumeOnce: Sendable {
    private let continuation: NIOLockedValueBox<CheckedContinuation<Void, Never>?>

    init(_ continuation: CheckedContinuation<Void, Never>) {
        self.continuation = NIOLockedValueBox(continuation)
    }

    func resume() {
        let pending = continuation.withLockedValue { value in
            defer { value = nil }
            return value
        }
        pending?.resume()
    }
}
