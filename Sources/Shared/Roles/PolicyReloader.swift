import Crypto
import Logging
import Metrics
import NIOConcurrencyHelpers
import ServiceLifecycle
import UnixSignals

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reloads the roles' policy files when their contents change (polled) or on SIGHUP.
///
/// A new set of files is compiled completely before it replaces the catalog in force; a file
/// that does not parse leaves the previous policies in force and is logged with its file,
/// statement and field — a typo never opens or closes access by surprise. The role list itself
/// (ARNs, files, durations) comes from the configuration file and needs a restart.
public struct PolicyReloader: Service {
    let config: PortcullisConfiguration
    let catalog: LiveRoleCatalog
    let interval: Duration
    let logger: Logger
    let state: State

    public init(config: PortcullisConfiguration, catalog: LiveRoleCatalog, interval: Duration = .seconds(2), logger: Logger) {
        self.config = config
        self.catalog = catalog
        self.interval = interval
        self.logger = logger
        self.state = State(fingerprint: Self.fingerprint(config))
    }

    /// What a check did.
    public enum Outcome: Equatable, Sendable {
        case unchanged
        case reloaded
        case failed(String)
    }

    public func run() async throws {
        let (triggers, continuation) = AsyncStream.makeStream(of: Bool.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sighup) { continuation.yield(true) }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    continuation.yield(false)
                }
            }
            group.addTask {
                for await forced in triggers.cancelOnGracefulShutdown() { check(force: forced) }
                continuation.finish()
            }
            // Everything stops with the service group: the loops above end when cancelled.
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// Reloads when the files changed since the last check, or always when `force` (SIGHUP).
    @discardableResult
    public func check(force: Bool = false) -> Outcome {
        let fingerprint = Self.fingerprint(config)
        guard state.update(fingerprint) || force else { return .unchanged }
        do {
            catalog.replace(with: try RoleCatalog(config: config))
            logger.notice("policies reloaded", metadata: ["roles": .stringConvertible(config.roles.count)])
            Counter(label: "portcullis_policy_reloads_total", dimensions: [("result", "success")]).increment()
            return .reloaded
        } catch {
            logger.error("policy reload failed; the previous policies stay in force", metadata: ["error": .string("\(error)")])
            Counter(label: "portcullis_policy_reloads_total", dimensions: [("result", "failure")]).increment()
            return .failed("\(error)")
        }
    }

    /// A digest of every policy file's path and contents (an unreadable file counts as a change too).
    static func fingerprint(_ config: PortcullisConfiguration) -> [UInt8] {
        var hasher = SHA256()
        let files = config.roles.flatMap { [$0.trustPolicy] + $0.policies } + config.managedPolicies.map(\.file)
        for path in files {
            let full = config.path(path)
            hasher.update(data: Array("\(full)\u{0}".utf8))
            if let data = FileManager.default.contents(atPath: full) {
                hasher.update(data: Array(SHA256.hash(data: data)))
            } else {
                hasher.update(data: Array("unreadable\u{0}".utf8))
            }
        }
        return Array(hasher.finalize())
    }

    /// The fingerprint last acted on, shared by the copies of this struct.
    final class State: Sendable {
        private let last: NIOLockedValueBox<[UInt8]>

        init(fingerprint: [UInt8]) { last = NIOLockedValueBox(fingerprint) }

        /// Records `fingerprint`; true when it differs from the previous one.
        func update(_ fingerprint: [UInt8]) -> Bool {
            last.withLockedValue { last in
                defer { last = fingerprint }
                return last != fingerprint
            }
        }
    }
}
