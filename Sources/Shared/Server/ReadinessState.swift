import NIOConcurrencyHelpers

/// What `/readyz` reports: named checks that components update as they become ready.
public final class ReadinessState: Sendable {
    private let checks = NIOLockedValueBox<[String: Bool]>([:])

    public init() {}

    public func set(_ name: String, ready: Bool) {
        checks.withLockedValue { $0[name] = ready }
    }

    /// Whether every registered check is ready, and each check's state.
    public var snapshot: (ready: Bool, checks: [String: Bool]) {
        checks.withLockedValue { ($0.values.allSatisfy { $0 }, $0) }
    }

    /// The `/readyz` JSON body.
    public func json() -> String {
        let (ready, checks) = snapshot
        let items = checks.keys.sorted().map { "\"\($0)\":\(checks[$0]! ? "true" : "false")" }
        return "{\"ready\":\(ready ? "true" : "false"),\"checks\":{\(items.joined(separator: ","))}}"
    }
}
