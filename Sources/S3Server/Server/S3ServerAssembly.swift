import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import Logging
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import Shared
import UnixSignals

/// Builds S3Server's parts from the configuration and runs them until SIGTERM/SIGINT.
struct S3ServerAssembly {
    let config: PortcullisConfiguration
    let responder: S3Responder
    let proxies: [S3ProxyBackend]
    let policyReloader: PolicyReloader
    let readiness = ReadinessState()
    let logger: Logger
    /// Loaded at startup so that a bad certificate is a configuration error, not a late failure.
    let tls: TLSConfiguration?

    init(config: PortcullisConfiguration, environment: [String: String], logger: Logger) async throws {
        self.config = config
        self.logger = logger
        self.tls = try config.s3.tls.map { try Self.tlsConfiguration($0, config: config) }
        let verifier = try SessionKeyMaterial.verifier(from: config)
        let roles = LiveRoleCatalog(try RoleCatalog(config: config))
        policyReloader = PolicyReloader(config: config, catalog: roles, logger: logger)
        let (router, proxies) = try await Self.backends(config: config, environment: environment, logger: logger)
        self.proxies = proxies
        responder = S3Responder(
            authenticator: S3Authenticator(sessions: verifier, region: config.s3.region, maxClockSkewSeconds: config.s3.maxClockSkewSeconds),
            authorizer: S3Authorizer(roles: roles, region: config.s3.region),
            router: router,
            virtualHosts: VirtualHostResolver(baseDomains: config.s3.baseDomains),
            secureTransport: config.s3.tls != nil,
            forwarding: ForwardedRequest.Policy(trustedProxies: config.s3.trustedProxies.compactMap(IPAddressRange.init)),
            logger: logger,
            now: { ISO8601.now() })
    }

    func run(registry: PrometheusCollectorRegistry) async throws {
        guard let listen = ListenAddress(parsing: config.s3.listen), let admin = ListenAddress(parsing: config.s3.adminListen) else {
            throw config.error("s3.listen", "invalid address")
        }
        let responder = self.responder
        var builder = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .seconds(300)))
        if let tls {
            builder = try .tls(builder, tlsConfiguration: tls)
        }
        let dataPlane = try builder.buildServer(
            configuration: ServerConfiguration(address: .hostname(listen.host, port: listen.port), serverName: nil),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger,
            responder: { request, writer, channel in
                try await responder.respond(request, writer: writer, channel: channel)
            },
            onServerRunning: { [readiness, logger] channel in
                readiness.set("s3", ready: true)
                logger.info("S3Server listening", metadata: ["address": .string("\(channel.localAddress?.description ?? "?")")])
            })
        readiness.set("s3", ready: false)
        let adminApp = Application(
            router: AdminRoutes.make(readiness: readiness, registry: registry),
            configuration: .init(address: .hostname(admin.host, port: admin.port), serverName: nil),
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                // Stopped in reverse order: readiness turns false first, then the data plane
                // drains, and the admin listener (/readyz, /metrics) goes last.
                services: [
                    .init(service: adminApp), .init(service: dataPlane), .init(service: policyReloader),
                    .init(service: DrainingReadiness(readiness: readiness, check: "s3")),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger))
        try await group.run()
        for proxy in proxies { await proxy.shutdown() }
        logger.info("S3Server stopped")
    }

    static func tlsConfiguration(_ settings: S3Settings.TLSSettings, config: PortcullisConfiguration) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(config.path(settings.certificateFile))
        } catch {
            throw config.error("s3.tls.certificateFile", "cannot load a PEM certificate chain from \(config.path(settings.certificateFile))")
        }
        do {
            key = try NIOSSLPrivateKey(file: config.path(settings.privateKeyFile), format: .pem)
        } catch {
            throw config.error("s3.tls.privateKeyFile", "cannot load a PEM private key from \(config.path(settings.privateKeyFile))")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}
