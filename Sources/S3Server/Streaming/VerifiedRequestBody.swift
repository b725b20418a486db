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
    /// A checksum that arrives as an aws-chunked trailer: its algorithm, and where the parsed
    /// trailers will be when the body has ended.
    var trailerChecksum: (algorithm: ChecksumAlgorithm, trailers: TrailerBox)? = nil
    let outcome: BodyOutcome

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        var verifier: PayloadVerifier
        let trailerChecksum: (algorithm: ChecksumAlgorithm, trailers: TrailerBox)?
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
                        let trailerValue = trailerChecksum.flatMap { $0.trailers.value(named: $0.algorithm.headerName) }
                        let tail = try verifier.finish(trailerChecksum: trailerValue)
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
                expectation: expectation, expectedLength: expectedLength, expectedMD5: expectedMD5, checksum: checksum,
                trailerChecksum: trailerChecksum?.algorithm),
            trailerChecksum: trailerChecksum,
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
        case framingFailed(AWSChunkedError)
    }

    private let state = NIOLockedValueBox(State.unread)
    private let iterated = NIOLockedValueBox(false)

    /// Whether the client's body began to be read: Hummingbird's body can be iterated only once,
    /// so a body a backend began to read cannot be drained by anyone else afterwards.
    var began: Bool { iterated.withLockedValue { $0 } }
    func markBegan() { iterated.withLockedValue { $0 = true } }

    /// Records what happened; the first failure wins (an outer layer sees the inner one's error).
    func record(_ newState: State) {
        state.withLockedValue { state in
            switch state {
            case .clientAborted, .failed, .framingFailed: return
            default: state = newState
            }
        }
    }
    var current: State { state.withLockedValue { $0 } }
}

extension VerifiedRequestBody.AsyncIterator: @unchecked Sendable {}
