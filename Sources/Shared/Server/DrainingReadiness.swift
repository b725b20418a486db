import ServiceLifecycle

/// Reports a check not ready as soon as a graceful shutdown begins.
///
/// S3Server's admin listener outlives its data plane (the service group stops services in
/// reverse order), so while uploads in flight finish, `/readyz` answers 503 with the check
/// false — a load balancer stops sending new requests instead of seeing a refused connection —
/// and `/metrics` can still be scraped. Put it last in the group so that it hears of the
/// shutdown first.
public struct DrainingReadiness: Service {
    let readiness: ReadinessState
    let check: String

    public init(readiness: ReadinessState, check: String) {
        self.readiness = readiness
        self.check = check
    }

    public func run() async throws {
        // Returns when the shutdown begins; cancellation (a forced stop) ends it the same way.
        try? await gracefulShutdown()
        readiness.set(check, ready: false)
    }
}
