import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOPosix
import ServiceLifecycle
import Shared
import UnixSignals

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Serve STS (the default).")

    @Option(name: .long, help: "Path to the Portcullis YAML configuration.")
    var config: String = "etc/portcullis.yaml"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let registry = Observability.bootstrap(environment: environment)
        let logger = Logger(label: "portcullis.sts")
        let configuration: PortcullisConfiguration
        let signer: SessionTokenSigner
        let sessions: SessionTokenVerifier
        let roles: LiveRoleCatalog
        let devIssuer: DevIssuer?
        do {
            configuration = try ConfigurationLoader.load(path: config, environment: environment)
            signer = try SessionKeyMaterial.signer(from: configuration)
            sessions = try SessionKeyMaterial.stsVerifier(from: configuration)
            roles = LiveRoleCatalog(try RoleCatalog(config: configuration))
            devIssuer = configuration.devIssuer.enabled ? try DevIssuer(config: configuration) : nil
        } catch let error as ConfigurationError {
            logger.critical("invalid configuration", metadata: ["error": .string(error.description)])
            throw ExitCode(2)
        }
        guard let listen = ListenAddress(parsing: configuration.sts.listen) else { throw ExitCode(2) }

        let providers: [OIDCProviderConfiguration]
        do {
            providers = try configuration.oidcProviders(environment: environment)
        } catch {
            logger.critical("invalid configuration", metadata: ["error": .string(error.description)])
            throw ExitCode(2)
        }
        let httpClient = HTTPDocumentFetcher.makeHTTPClient()
        let identities: OIDCVerifier
        do {
            identities = try OIDCVerifier(providers: providers, httpClient: httpClient, logger: logger)
        } catch {
            logger.critical("invalid configuration", metadata: ["error": .string("\(config): \(error)")])
            try? await httpClient.shutdown()
            throw ExitCode(2)
        }
        var service = STSService(
            accountID: configuration.sts.accountId, defaultDuration: configuration.sts.defaultSessionDuration,
            capExpiryAtTokenExpiry: configuration.sts.capExpiryAtTokenExpiry, roles: roles, identities: identities,
            signer: signer, sessions: sessions, logger: logger)
        service.throttle = STSThrottle(settings: configuration.sts.rateLimits, providers: configuration.providers)
        for provider in configuration.providers {
            if let claims = provider.sessionClaims { service.sessionClaims[provider.issuer] = Set(claims) }
        }
        let readiness = ReadinessState()
        for provider in providers { readiness.set("oidc:\(provider.name)", ready: false) }
        let router = STSRouter.make(service: service, devIssuer: devIssuer, readiness: readiness, registry: registry, logger: logger)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: nil),
            onServerRunning: { _ in
                logger.info("STSServer listening", metadata: ["address": .string(listen.description)])
            },
            logger: logger)
        let keyLoader = ProviderKeyLoader(identities: identities, providers: providers, readiness: readiness, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: app), .init(service: keyLoader),
                    .init(service: PolicyReloader(config: configuration, catalog: roles, logger: logger)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        try? await httpClient.shutdown()
        logger.info("STSServer stopped")
    }
}
