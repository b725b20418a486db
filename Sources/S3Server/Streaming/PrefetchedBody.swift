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

        fileprivate func willPull() {
            state.withLockedValue {
                $0.started = true
                $0.pulling = true
            }
        }

        fileprivate func didPull(_ buffer: ByteBuffer?) {
            state.withLockedValue {
                $0.pulling = false
                $0.finished = buffer == nil
                $0.lastReturned = .now
            }
        }

        fileprivate func didFail() {
            state.withLockedValue {
                $0.pulling = false
                $0.failed = true
            }
        }
    }

    let first: ByteBuffer?
    let rest: IteratorBox

    struct AsyncIterator: AsyncIteratorProtocol {
        var first: ByteBuffer?
        var started = false
        let rest: IteratorBox

        mutating func next() async throws -> ByteBuffer? {
            rest.willPull()
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

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(first: first, rest: rest) }
}
