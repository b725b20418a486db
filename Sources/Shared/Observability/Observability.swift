#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Logging
import Metrics
public import Prometheus

/// Process-wide logging and metrics setup shared by both servers.
public enum Observability {
    /// Installs the JSON log handler (level from `PORTCULLIS_LOG_LEVEL`, default info) and the
    /// Prometheus metrics factory; returns the registry `/metrics` serves.
    public static func bootstrap(environment: [String: String]) -> PrometheusCollectorRegistry {
        let level = environment["PORTCULLIS_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        // Present from the first scrape, so that a scraper sees the process before any request.
        Gauge(label: "portcullis_build_info", dimensions: [("version", Portcullis.version)]).record(1)
        return registry
    }

    /// A random request id in S3's style (16 uppercase hex characters).
    public static func newRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = UInt64.random(in: .min ... .max, using: &generator)
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
