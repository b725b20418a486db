extension PortcullisConfiguration {
    /// The `providers:` section as the OIDC verifier takes it, with shared secrets read.
    ///
    /// - Parameter environment: for `{env: NAME}` secrets.
    /// - Throws: ``ConfigurationError`` naming `providers[i].sharedSecret` when a secret cannot be read.
    public func oidcProviders(environment: [String: String]) throws(ConfigurationError) -> [OIDCProviderConfiguration] {
        var result: [OIDCProviderConfiguration] = []
        for (index, provider) in providers.enumerated() {
            var secret: OIDCSharedSecret?
            if let reference = provider.sharedSecret {
                do {
                    // The secret's bytes as written, as Keycloak and other IdPs use a client secret.
                    secret = OIDCSharedSecret(Array(try reference.resolve(baseDirectory: baseDirectory, environment: environment).utf8))
                } catch let failure as SecretResolutionError {
                    throw error("providers[\(index)].sharedSecret", failure.problem)
                } catch {
                    throw self.error("providers[\(index)].sharedSecret", "\(error)")
                }
            }
            result.append(
                OIDCProviderConfiguration(
                    name: provider.name, issuer: provider.issuer, audiences: provider.audiences,
                    allowedAlgorithms: provider.algorithms, clockLeewaySeconds: provider.leewaySeconds,
                    maxTokenAgeSeconds: provider.maxTokenAgeSeconds, sharedSecret: secret,
                    keyRefreshCooldownSeconds: provider.keyRefreshCooldownSeconds))
        }
        return result
    }
}
