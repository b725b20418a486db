import Prometheus
import Testing

@testable import Shared

@Suite struct RequestMetricsTests {
    private func metrics(capacity: Int = 512) -> (RequestMetrics, PrometheusCollectorRegistry) {
        let registry = PrometheusCollectorRegistry()
        let metrics = RequestMetrics(
            counterLabel: "test_requests_total", timerLabel: "test_request_duration_seconds", dimension: "operation",
            capacity: capacity, factory: PrometheusMetricsFactory(registry: registry))
        return (metrics, registry)
    }

    private func counterLines(_ registry: PrometheusCollectorRegistry) -> Set<String> {
        Set(registry.emitToString().split(separator: "\n").map(String.init).filter { $0.hasPrefix("test_requests_total{") })
    }

    @Test func countsPerOperationAndStatusThroughReusedHandles() {
        let (metrics, registry) = metrics()
        metrics.record("GetObject", status: 200, duration: .milliseconds(3))
        metrics.record("GetObject", status: 200, duration: .milliseconds(5))
        metrics.record("GetObject", status: 404, duration: .milliseconds(1))
        metrics.record("PutObject", status: 200, duration: .seconds(2))
        #expect(counterLines(registry) == [
            #"test_requests_total{operation="GetObject",status="200"} 2"#,
            #"test_requests_total{operation="GetObject",status="404"} 1"#,
            #"test_requests_total{operation="PutObject",status="200"} 1"#,
        ])
        let text = registry.emitToString()
        #expect(text.contains(#"test_request_duration_seconds_count{operation="GetObject"} 3"#), "\(text)")
        #expect(text.contains(#"test_request_duration_seconds_sum{operation="PutObject"} 2.0"#), "\(text)")
    }

    @Test func beyondCapacityStillRecords() {
        let (metrics, registry) = metrics(capacity: 1)
        for _ in 0..<3 { metrics.record("A", status: 200, duration: .zero) }
        for _ in 0..<2 { metrics.record("B", status: 200, duration: .zero) }
        #expect(counterLines(registry) == [
            #"test_requests_total{operation="A",status="200"} 3"#,
            #"test_requests_total{operation="B",status="200"} 2"#,
        ])
    }
}
