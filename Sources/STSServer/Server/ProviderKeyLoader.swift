import Foundation
import Logging
import ServiceLifecycle
import Shared

/// Loads every provider's keys at startup and keeps retrying the ones that failed, so that
/// `/readyz` tells whether each provider's keys are loaded. (The dev issuer is served by this
/// very process, so its first attempt may come before the listener is up.)
struct ProviderKeyLoader: Service {
    let identities: OIDCVerifier
    let providers: [OIDCProviderConfiguration]
    let readiness: ReadinessState
    let logger: Logger

    func run() async throws {
        var pending = Set(providers.map(\.issuer))
        var delay: Duration = .milliseconds(200)
        while !pending.isEmpty && !Task.isCancelled && !Task.isShuttingDownGracefully {
            // Whole seconds, as requests give the key caches (`STSService` works in epoch
            // seconds): a download stamped with a precise time here would make the refresh
            // cooldown for the next request's unknown kid up to a second longer than configured.
            let failures = await identities.prefetchKeys(now: Date(timeIntervalSince1970: Double(ISO8601.now())))
            for provider in providers {
                let ready = failures[provider.issuer] == nil
                readiness.set("oidc:\(provider.name)", ready: ready)
                if ready { pending.remove(provider.issuer) }
            }
            if pending.isEmpty { break }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(30))
        }
        // Stay alive until shutdown, as a ServiceGroup member must.
        try? await gracefulShutdown()
    }
}
