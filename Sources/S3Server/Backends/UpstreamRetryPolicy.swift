/// When a failed upstream request is sent again, and how long to wait first.
///
/// A retry must never change what the backend ends up doing, so only failures *before the
/// answer head* qualify, and only while no byte of the client's body was handed to the HTTP
/// client (a body stream cannot be replayed; a backend that saw part of one stored nothing, and
/// the client gets 503 and retries the whole upload itself). Within that:
///
/// * nothing was sent (connection refused, connect timeout): any method;
/// * the connection broke after the request head may have gone out: only idempotent methods
///   (GET, HEAD, PUT, DELETE), since a POST (CreateMultipartUpload) might have been carried out;
/// * a timeout is never retried: a stalled backend would keep the client waiting several times
///   as long, and the client's SDK retries the 503 anyway;
/// * TLS and unknown failures are not transient.
///
/// Each attempt is signed anew (fresh `X-Amz-Date`), see `S3ProxyBackend.send`.
struct UpstreamRetryPolicy: Sendable, Equatable {
    /// Retries after the first attempt (`backends[].retries`).
    var maxRetries: Int
    /// First backoff; each further retry doubles it, up to `maximumBackoffMilliseconds`.
    var baseBackoffMilliseconds: Int = 50
    var maximumBackoffMilliseconds: Int = 800

    static let idempotentMethods: Set<String> = ["GET", "HEAD", "PUT", "DELETE"]

    /// What is known about an attempt that failed.
    struct Attempt: Sendable, Equatable {
        /// The HTTP method sent upstream.
        var method: String
        /// Whether any byte of the client's body was handed to the HTTP client.
        var bodyStarted: Bool
        /// Retries already made for this request (0 after the first attempt).
        var retriesSoFar: Int
    }

    /// Whether a request whose attempt failed with `failure` is sent again.
    func shouldRetry(_ failure: UpstreamFailure, _ attempt: Attempt) -> Bool {
        guard attempt.retriesSoFar < maxRetries, !attempt.bodyStarted else { return false }
        switch failure {
        case .connectRefused, .connectTimeout:
            return true
        case .connectionLost:
            return Self.idempotentMethods.contains(attempt.method)
        case .timeout, .tls, .cancelled, .other:
            return false
        }
    }

    /// The pause before retry number `retry` (1-based): exponential, capped, with jitter in its
    /// upper half so that many requests failing together do not retry in lockstep.
    func backoff(beforeRetry retry: Int, jitter: Double = Double.random(in: 0...1)) -> Duration {
        let exponent = min(max(retry - 1, 0), 16)
        let ceiling = min(baseBackoffMilliseconds << exponent, maximumBackoffMilliseconds)
        let milliseconds = Double(ceiling) * (0.5 + 0.5 * min(max(jitter, 0), 1))
        return .milliseconds(Int(milliseconds.rounded()))
    }
}
