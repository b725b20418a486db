import NIOConcurrencyHelpers
import NIOCore

/// A single-use body whose first buffer was already read: it yields that buffer, then the rest
/// of the iterator it took over.
struct PrefetchedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// Holds the iterator so that the sequence can be Sendable; consumed by exactly one reader.
    final class IteratorBox: @unchecked Sendable {
        var iterator: BackendRequestBody.AsyncIterator
        init(_ iterator: BackendRequestBody.AsyncIterator) { self.iterator = iterator }
    }

    let first: ByteBuffer?
    let rest: IteratorBox

    struct AsyncIterator: AsyncIteratorProtocol {
        var first: ByteBuffer?
        var started = false
        let rest: IteratorBox

        mutating func next() async throws -> ByteBuffer? {
            if !started {
                started = true
                if let first { return first }
                return nil
            }
            return try await rest.iterator.next()
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(first: first, rest: rest) }
}
