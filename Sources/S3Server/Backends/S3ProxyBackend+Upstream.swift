import AsyncHTTPClient
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import Shared

/// Sending a request upstream: signing each attempt, retrying what may be retried, and turning
/// transport failures into S3 errors.
extension S3ProxyBackend {
    /// An upstream request before signing: signed anew for every attempt, so a retry carries a
    /// fresh `X-Amz-Date`.
    struct UpstreamRequest: Sendable {
        var method: String
        /// The canonical (already encoded) path and the query pairs, as signed.
        var path: String
        var query: [(name: String, value: String)]
        /// The headers to sign and send, `host` included (AsyncHTTPClient sets it from the URL).
        var headers: [(name: String, value: String)]
        var payloadHash: String
        var body: HTTPClientRequest.Body?
        /// The client's body being forwarded, if any: whether it began or failed decides retries.
        var clientBody: PrefetchedBody.IteratorBox?
    }

    /// Sends `request`, retrying per `retryPolicy`; a transport failure that ends it is thrown
    /// as the S3 error the client gets (a failure of the client's own body is rethrown as it is,
    /// for the responder to answer in the body's terms).
    func send(_ request: UpstreamRequest, via client: HTTPClient, timeout: TimeAmount) async throws -> HTTPClientResponse {
        var retries = 0
        while true {
            let outgoing = try await signed(request)
            do {
                return try await execute(outgoing, via: client, timeout: timeout, watching: request.clientBody)
            } catch {
                if request.clientBody?.failed == true { throw error }
                // No retry once the body began (the policy below), and the failure goes back to
                // the responder: the HTTP client must let go of the client's body first.
                if let body = request.clientBody, body.started {
                    await body.abandon(waitingAtMost: .seconds(readTimeoutSeconds))
                }
                let failure = UpstreamFailure(error)
                if failure == .cancelled { throw error }
                let attempt = UpstreamRetryPolicy.Attempt(
                    method: request.method, bodyStarted: request.clientBody?.started ?? false, retriesSoFar: retries)
                if retryPolicy.shouldRetry(failure, attempt) {
                    retries += 1
                    Self.recordRetry(backend: name, failure)
                    logger.info(
                        "upstream attempt failed, retrying",
                        metadata: ["backend": .string(name), "kind": .string(failure.rawValue), "retry": "\(retries)", "error": "\(error)"])
                    try await Task.sleep(for: retryPolicy.backoff(beforeRetry: retries))
                    continue
                }
                Self.recordFailure(backend: name, failure, phase: "before_answer")
                logger.warning(
                    "upstream request failed",
                    metadata: ["backend": .string(name), "kind": .string(failure.rawValue), "retries": "\(retries)", "error": "\(error)"])
                throw failure.s3Error
            }
        }
    }

    private enum Watched: Sendable {
        case answered(HTTPClientResponse)
        case bodySent
        case stalled
    }

    /// One attempt. While a client's body streams, a backend that stops taking it for
    /// `readTimeoutSeconds` ends the attempt: AsyncHTTPClient's own timeouts time the answer
    /// and our own client's pauses, not a backend that stopped reading.
    private func execute(
        _ outgoing: HTTPClientRequest, via client: HTTPClient, timeout: TimeAmount, watching body: PrefetchedBody.IteratorBox?
    ) async throws -> HTTPClientResponse {
        guard let body else { return try await client.execute(outgoing, deadline: .now() + timeout, logger: logger) }
        let limit = Duration.seconds(readTimeoutSeconds)
        let tick = min(Duration.milliseconds(250), limit / 4)
        return try await withThrowingTaskGroup(of: Watched.self) { group in
            group.addTask { .answered(try await client.execute(outgoing, deadline: .now() + timeout, logger: logger)) }
            group.addTask {
                while !body.finished {
                    if body.stalledFor() >= limit { return .stalled }
                    try await Task.sleep(for: tick)
                }
                return .bodySent
            }
            while let next = try await group.next() {
                switch next {
                case .answered(let response):
                    group.cancelAll()
                    return response
                case .stalled:
                    group.cancelAll()
                    throw UploadStalled()
                case .bodySent:
                    continue
                }
            }
            throw UploadStalled()  // not reached: the request's task always ends with an answer or an error
        }
    }

    /// - Throws: the S3 error for a backend without usable credentials (web identity not
    ///   obtained or expired).
    private func signed(_ request: UpstreamRequest) async throws(S3Error) -> HTTPClientRequest {
        var outgoing = HTTPClientRequest(url: endpoint + request.path + Self.queryString(request.query))
        outgoing.method = HTTPMethod(rawValue: request.method)
        var headers = request.headers
        if let signer = try await upstreamSigner() {
            let date = AmzDate(epochSeconds: ISO8601.now())
            let key = signingKeys.key(secret: signer.secretAccessKey, scope: signer.signingScope(date: date))
            headers += signer.sign(
                method: request.method, path: request.path, query: request.query, headers: request.headers,
                payloadHash: request.payloadHash, date: date, signingKey: key
            ).headersToAdd
        }
        // Host goes out exactly as signed (AsyncHTTPClient adds its own only when none is set, and
        // would write an endpoint's explicit default port or IPv6 brackets differently).
        for (name, value) in headers { outgoing.headers.add(name: name, value: value) }
        outgoing.body = request.body
        return outgoing
    }

    static func recordRetry(backend: String, _ failure: UpstreamFailure) {
        Counter(label: "portcullis_s3_upstream_retries_total", dimensions: [("backend", backend), ("kind", failure.rawValue)]).increment()
    }

    /// `phase`: `before_answer` (the client gets an S3 error) or `during_answer` (the answer
    /// head was already sent: the client's connection is aborted).
    static func recordFailure(backend: String, _ failure: UpstreamFailure, phase: String) {
        Counter(
            label: "portcullis_s3_upstream_errors_total",
            dimensions: [("backend", backend), ("kind", failure.rawValue), ("phase", phase)]
        ).increment()
    }
}

/// A backend's answer body on its way to the client; a failure mid-way is counted and logged
/// before it aborts the client's connection (see `S3Responder.respond`).
struct UpstreamResponseBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base
    let backend: String
    let logger: Logger

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let backend: String
        let logger: Logger

        mutating func next() async throws -> ByteBuffer? {
            do {
                return try await base.next()
            } catch {
                let failure = UpstreamFailure(error)
                if failure != .cancelled {
                    S3ProxyBackend.recordFailure(backend: backend, failure, phase: "during_answer")
                    logger.warning(
                        "upstream answer broke off",
                        metadata: ["backend": .string(backend), "kind": .string(failure.rawValue), "error": "\(error)"])
                }
                throw error
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), backend: backend, logger: logger)
    }
}
