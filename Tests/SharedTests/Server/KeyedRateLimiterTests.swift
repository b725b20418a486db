import Testing

@testable import Shared

@Suite struct KeyedRateLimiterTests {
    @Test func burstThenSustainedRate() {
        let limiter = KeyedRateLimiter(requestsPerSecond: 2, burst: 3)
        #expect((0..<3).allSatisfy { _ in limiter.admit("a", now: 100) })
        #expect(!limiter.admit("a", now: 100))
        #expect(limiter.admit("b", now: 100), "keys have their own buckets")
        #expect(!limiter.admit("a", now: 100.4))
        #expect(limiter.admit("a", now: 100.5), "one token after half a second at 2/s")
        #expect(!limiter.admit("a", now: 100.5))
        // Long idle: back to the burst, never above it.
        #expect((0..<3).allSatisfy { _ in limiter.admit("a", now: 1_000) })
        #expect(!limiter.admit("a", now: 1_000))
    }

    @Test func zeroRateMeansUnlimited() {
        let limiter = KeyedRateLimiter(requestsPerSecond: 0, burst: 1)
        #expect((0..<1_000).allSatisfy { _ in limiter.admit("a", now: 0) })
        #expect(limiter.trackedKeys == 0)
    }

    @Test func aFloodOfNewKeysDoesNotResetABusyOne() {
        let limiter = KeyedRateLimiter(requestsPerSecond: 0.001, burst: 1, maximumKeys: 100)
        #expect(limiter.admit("busy", now: 0))
        for index in 0..<1_000 {
            let now = 1 + Double(index) / 1_000
            _ = limiter.admit("flood-\(index)", now: now)
            if index % 10 == 0 { #expect(!limiter.admit("busy", now: now)) }
        }
        #expect(limiter.trackedKeys <= 100)
    }

    @Test func memoryIsBoundedAndForgettingIsNeverStricter() {
        let limiter = KeyedRateLimiter(requestsPerSecond: 1, burst: 1, maximumKeys: 100)
        for index in 0..<10_000 { _ = limiter.admit("ip-\(index)", now: Double(index) / 1_000) }
        #expect(limiter.trackedKeys <= 100)
        // A busy key that was not evicted is still limited.
        #expect(limiter.admit("busy", now: 20))
        #expect(!limiter.admit("busy", now: 20))
    }
}
