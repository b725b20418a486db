import Testing

@testable import S3Server

@Suite struct UpstreamRetryPolicyTests {
    let policy = UpstreamRetryPolicy(maxRetries: 2)

    /// (failure, method, body started, retries so far) → retried?
    @Test(arguments: [
        // Nothing was sent: any method, while the body has not begun.
        (UpstreamFailure.connectRefused, "GET", false, 0, true),
        (.connectRefused, "POST", false, 0, true),
        (.connectRefused, "PUT", false, 1, true),
        (.connectTimeout, "HEAD", false, 0, true),
        (.connectTimeout, "POST", false, 0, true),
        // The connection broke before the answer: idempotent methods only.
        (.connectionLost, "GET", false, 0, true),
        (.connectionLost, "HEAD", false, 0, true),
        (.connectionLost, "DELETE", false, 0, true),
        (.connectionLost, "PUT", false, 0, true),
        (.connectionLost, "POST", false, 0, false),
        // A body that began streaming is never sent again, whatever happened.
        (.connectRefused, "PUT", true, 0, false),
        (.connectionLost, "PUT", true, 0, false),
        (.connectionLost, "POST", true, 0, false),
        // The budget is spent.
        (.connectRefused, "GET", false, 2, false),
        (.connectionLost, "GET", false, 3, false),
        // Timeouts, TLS, cancellation and the unknown are not retried.
        (.timeout, "GET", false, 0, false),
        (.tls, "GET", false, 0, false),
        (.cancelled, "GET", false, 0, false),
        (.other, "GET", false, 0, false),
    ])
    func retryDecision(failure: UpstreamFailure, method: String, bodyStarted: Bool, retriesSoFar: Int, expected: Bool) {
        let attempt = UpstreamRetryPolicy.Attempt(method: method, bodyStarted: bodyStarted, retriesSoFar: retriesSoFar)
        #expect(policy.shouldRetry(failure, attempt) == expected)
    }

    @Test func zeroRetriesNeverRetries() {
        let none = UpstreamRetryPolicy(maxRetries: 0)
        for failure in UpstreamFailure.allCases {
            #expect(!none.shouldRetry(failure, .init(method: "GET", bodyStarted: false, retriesSoFar: 0)))
        }
    }

    /// (retry, jitter) → milliseconds: doubling from 50, capped at 800, jitter in the upper half.
    @Test(arguments: [
        (1, 1.0, 50), (1, 0.0, 25), (2, 1.0, 100), (3, 1.0, 200), (4, 0.5, 300), (5, 1.0, 800), (6, 1.0, 800),
        (60, 1.0, 800), (0, 1.0, 50), (2, 7.0, 100), (2, -1.0, 50),
    ])
    func backoff(retry: Int, jitter: Double, milliseconds: Int) {
        #expect(policy.backoff(beforeRetry: retry, jitter: jitter) == .milliseconds(milliseconds))
    }
}
