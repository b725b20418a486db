import NIOConcurrencyHelpers

/// Token buckets by key (a client address, a provider), bounded in memory.
///
/// Each key earns `requestsPerSecond` tokens up to `burst`; a request spends one or is refused.
/// When more than `maximumKeys` keys are tracked, idle ones (whose bucket has refilled) are
/// dropped first, then the least recently seen — a dropped key only regains its full burst, so
/// forgetting is never stricter than remembering.
public final class KeyedRateLimiter: Sendable {
    public let requestsPerSecond: Double
    public let burst: Double
    public let maximumKeys: Int
    private let buckets = NIOLockedValueBox<[String: Bucket]>([:])

    struct Bucket {
        var tokens: Double
        var updated: Double
    }

    public init(requestsPerSecond: Double, burst: Int, maximumKeys: Int = 10_000) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = Double(burst)
        self.maximumKeys = maximumKeys
    }

    /// Spends a token for `key` at `now` (seconds, any monotonic origin); false when none is left.
    public func admit(_ key: String, now: Double) -> Bool {
        guard requestsPerSecond > 0 else { return true }
        return buckets.withLockedValue { buckets in
            var bucket = buckets[key].map { refilled($0, now: now) } ?? Bucket(tokens: burst, updated: now)
            guard bucket.tokens >= 1 else {
                buckets[key] = bucket
                return false
            }
            bucket.tokens -= 1
            if buckets[key] == nil && buckets.count >= maximumKeys { evict(&buckets, now: now) }
            buckets[key] = bucket
            return true
        }
    }

    /// How many keys are tracked (for tests).
    public var trackedKeys: Int { buckets.withLockedValue { $0.count } }

    private func refilled(_ bucket: Bucket, now: Double) -> Bucket {
        let elapsed = max(0, now - bucket.updated)
        return Bucket(tokens: min(burst, bucket.tokens + elapsed * requestsPerSecond), updated: now)
    }

    /// Drops idle keys; if every key is busy, the half least recently seen (a flood of fresh
    /// addresses must not reset the keys that are being limited right now).
    private func evict(_ buckets: inout [String: Bucket], now: Double) {
        buckets = buckets.filter { refilled($0.value, now: now).tokens < burst }
        if buckets.count >= maximumKeys {
            let keep = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(maximumKeys / 2)
            buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
