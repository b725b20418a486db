public import Metrics
import NIOConcurrencyHelpers

/// The per-request counter and duration timer of one server, their handles made once per
/// label set instead of once per request.
///
/// `Counter(label:dimensions:)` asks the metrics factory every time; Prometheus's answers by
/// normalising the name and looking it up under its registry lock, which showed up as a few
/// percent of a small GET. The handles are the factory's own, so `/metrics` is unchanged.
public final class RequestMetrics: Sendable {
    private struct Key: Hashable {
        let operation: String
        let status: Int
    }

    private struct Handles {
        let counter: Counter
        let timer: Timer
    }

    private let counterLabel: String
    private let timerLabel: String
    private let dimension: String
    private let handles = NIOLockedValueBox<[Key: Handles]>([:])
    /// Label sets beyond this many are still recorded, just not kept (the operation and status
    /// sets are small, but an unexpected dimension value must not grow memory).
    private let capacity: Int
    private let factory: any MetricsFactory

    /// - Parameters:
    ///   - counterLabel: the request counter, dimensioned by `dimension` and `status`.
    ///   - timerLabel: the duration timer, dimensioned by `dimension` alone.
    ///   - factory: where the handles come from; the bootstrapped system's unless a test says.
    public init(
        counterLabel: String, timerLabel: String, dimension: String, capacity: Int = 512,
        factory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.factory = factory
        self.counterLabel = counterLabel
        self.timerLabel = timerLabel
        self.dimension = dimension
        self.capacity = capacity
    }

    /// Counts one request of `operation` answered with `status` and records how long it took.
    public func record(_ operation: String, status: Int, duration: Duration) {
        let handles = self.handles(Key(operation: operation, status: status))
        handles.counter.increment()
        let (seconds, attoseconds) = duration.components
        handles.timer.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    private func handles(_ key: Key) -> Handles {
        if let cached = handles.withLockedValue({ $0[key] }) { return cached }
        let made = Handles(
            counter: Counter(label: counterLabel, dimensions: [(dimension, key.operation), ("status", String(key.status))], factory: factory),
            timer: Timer(label: timerLabel, dimensions: [(dimension, key.operation)], factory: factory))
        handles.withLockedValue { handles in
            if handles.count < capacity { handles[key] = made }
        }
        return made
    }
}
