import Logging
import NIOSSL
import Shared

extension S3ServerAssembly {
    /// The configured backends and the router over them.
    static func backends(
        config: PortcullisConfiguration, environment: [String: String], logger: Logger
    ) async throws -> (BackendRouter, [S3ProxyBackend]) {
        var routes: [BackendRouter.Route] = []
        var proxies: [S3ProxyBackend] = []
        var defaultBackend: (any S3Backend)?
        do {
            for (index, settings) in config.backends.enumerated() {
                let backend = try await makeBackend(settings, index: index, config: config, environment: environment, logger: logger)
                if let proxy = backend as? S3ProxyBackend { proxies.append(proxy) }
                if settings.isDefault { defaultBackend = backend }
                if !settings.buckets.isEmpty {
                    routes.append(
                        BackendRouter.Route(
                            buckets: settings.buckets.map { BucketRoute($0) }, regions: Set(settings.regions), backend: backend))
                }
            }
        } catch {
            // A later backend's mistake must not leave earlier clients running: AsyncHTTPClient
            // traps when one is released unshut, turning a configuration error into a crash.
            for proxy in proxies { await proxy.shutdown() }
            throw error
        }
        return (BackendRouter(routes: routes, defaultBackend: defaultBackend), proxies)
    }

    private static func makeBackend(
        _ settings: BackendSettings, index: Int, config: PortcullisConfiguration, environment: [String: String], logger: Logger
    ) async throws -> any S3Backend {
        switch settings.type {
        case .filesystem:
            return try FilesystemBackend(name: settings.name, root: config.path(settings.path ?? ""))
        case .s3:
            let tls = try backendTLS(settings, field: "backends[\(index)]", config: config, logger: logger)
            let credentials = try S3ProxyBackend.credentialsProvider(
                for: settings, field: "backends[\(index)]", config: config, environment: environment, logger: logger)
            do {
                return try S3ProxyBackend(settings: settings, credentials: credentials, tls: tls, logger: logger)
            } catch {
                await credentials.shutdown()  // a web-identity provider holds an HTTP client of its own
                throw error
            }
        }
    }

    /// How the proxy verifies an https backend: the system store (nil: AsyncHTTPClient's
    /// default), the configured CA bundle, or — only when explicitly asked — not at all.
    static func backendTLS(
        _ settings: BackendSettings, field: String, config: PortcullisConfiguration, logger: Logger
    ) throws -> TLSConfiguration? {
        if settings.insecureSkipTLSVerify {
            logger.warning(
                "TLS certificate verification is DISABLED for this backend (insecureSkipTLSVerify): anyone on the path can read and alter its traffic",
                metadata: ["backend": .string(settings.name), "endpoint": .string(settings.endpoint ?? "")])
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            return tls
        }
        guard let bundle = settings.caBundle else { return nil }
        let path = config.path(bundle)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw config.error("\(field).caBundle", "cannot load PEM certificates from \(path)")
        }
        if certificates.isEmpty { throw config.error("\(field).caBundle", "no certificate in \(path)") }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(certificates)
        return tls
    }
}
