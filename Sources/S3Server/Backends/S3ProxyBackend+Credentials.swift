import Logging
import Shared

extension S3ProxyBackend {
    /// The signer for the next upstream request, nil for an anonymous backend. Temporary
    /// credentials add `x-amz-security-token`, which the signer signs.
    func upstreamSigner() async throws(S3Error) -> SigV4Signer? {
        try await credentials.credentials()?.signer(region: region)
    }

    /// The provider a backend's settings ask for. Static keys are resolved now, so a missing
    /// secret stops startup; a web-identity token file must exist now (it is re-read later).
    static func credentialsProvider(
        for settings: BackendSettings, field: String, config: PortcullisConfiguration, environment: [String: String], logger: Logger
    ) throws -> any BackendCredentialsProvider {
        if settings.anonymous { return AnonymousCredentialsProvider() }
        if let webIdentity = settings.webIdentity {
            let path = config.path(webIdentity.tokenFile)
            let reader = WebIdentityCredentialsProvider.tokenFileReader(path: path)
            do {
                _ = try reader()
            } catch {
                throw config.error("\(field).webIdentity.tokenFile", error.description)
            }
            let provider = WebIdentityCredentialsProvider(
                exchanger: STSWebIdentityClient(settings: webIdentity), readToken: reader,
                refreshBeforeExpirySeconds: webIdentity.refreshBeforeExpirySeconds, label: settings.name, logger: logger)
            Task { await provider.prefetch() }
            return provider
        }
        guard let akid = settings.accessKeyId, let secret = settings.secretAccessKey else {
            throw config.error(field, "an s3 backend needs credentials: accessKeyId and secretAccessKey, webIdentity, or anonymous: true")
        }
        do {
            return StaticCredentialsProvider(
                value: BackendCredentials(
                    accessKeyID: try akid.resolve(baseDirectory: config.baseDirectory, environment: environment),
                    secretAccessKey: try secret.resolve(baseDirectory: config.baseDirectory, environment: environment)))
        } catch let error as SecretResolutionError {
            throw config.error(field, error.problem)
        }
    }
}
