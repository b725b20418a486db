import NIOConcurrencyHelpers
import NIOCore
import Shared

/// The client's request body as the backend consumes it: an `AsyncSequence` of buffers that
/// passes each buffer through a `PayloadVerifier` and throws when verification fails.
///
/// The failure is also recorded in `outcome` so that the responder can answer the precise S3
/// error even when the backend (e.g. AsyncHTTPClient) wraps the thrown error in its own.
struct VerifiedRequestBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer

    let base: Base
    let expectation: PayloadVerifier.Expectation
    let expectedLength: Int64?
    var expectedMD5: [UInt8]? = nil
    var checksum: (algorithm: ChecksumAlgorithm, base64: String)? = nil
    let outcome: BodyOutcome

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        var verifier: PayloadVerifier
        let outcome: BodyOutcome
        var finished = false

        mutating func next() async throws -> ByteBuffer? {
            while !finished {
                let next: ByteBuffer?
                do {
                    next = try await base.next()
                } catch {
                    outcome.record(.clientAborted)
                    throw error
                }
                guard let buffer = next else {
                    finished = true
                    do {
                        let tail = try verifier.finish()
                        outcome.record(.complete)
                        return tail
                    } catch {
                        outcome.record(.failed(error))
                        throw error
                    }
                }
                do {
                    if let release = try verifier.receive(buffer) { return release }
                } catch {
                    finished = true
                    outcome.record(.failed(error))
                    throw error
                }
            }
            return nil
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(
            base: base.makeAsyncIterator(),
            verifier: PayloadVerifier(
                expectation: expectation, expectedLength: expectedLength, expectedMD5: expectedMD5, checksum: checksum),
            outcome: outcome)
    }
}

/// What happened to a request body; shared between the body sequence and the responder.
final class BodyOutcome: Sendable {
    enum State: Sendable {
        case unread
        case complete
        case clientAborted
        case failed(PayloadVerifier.Failure)
    }

    private let state = NIOLockedValueBox(State.unread)

    func record(_ newState: State) { state.withLockedValue { $0 = newState } }
    var current: State { state.withLockedValue { $0 } }
}

extension VerifiedRequestBody.AsyncIterator: @unchecked Sendable {}
