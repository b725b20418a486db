import Testing

@testable import Shared

@Suite struct ConfigurationLoaderTests {
    static let valid = """
        sts: { listen: "127.0.0.1:8090", accountId: "123456789012" }
        s3: { listen: "127.0.0.1:8080", adminListen: "127.0.0.1:9080" }
        providers:
          - { name: idp, issuer: "https://idp.example", audiences: [portcullis], algorithms: [RS256, ES256] }
        roles:
          - arn: arn:aws:iam::123456789012:role/dev
            trustPolicy: trust.json
            policies: [dev.json]
            maxSessionDuration: 7200
        backends:
          - { name: local, type: filesystem, path: data }
        """

    func validate(_ yaml: String) throws -> PortcullisConfiguration {
        var config = try ConfigurationLoader.decode(yaml, source: "etc/test.yaml")
        config.sourcePath = "etc/test.yaml"
        try ConfigurationValidator(config).validate()
        return config
    }

    @Test func validConfigurationLoads() throws {
        let config = try validate(Self.valid)
        #expect(config.roles.first?.maxSessionDuration == 7200)
        #expect(config.providers.first?.leewaySeconds == 60)
        #expect(config.backends.first?.type == .filesystem)
    }

    /// Each broken file must name the file and the exact field.
    @Test(arguments: [
        ("sts: { listn: x }", "etc/test.yaml: sts.listn: unknown key"),
        ("roles: [{ arn: x, trustPolicy: t, policies: [p], maxSesionDuration: 5 }]", "etc/test.yaml: roles[0].maxSesionDuration: unknown key"),
        ("roles: [{ arn: arn:aws:iam::123456789012:role/x, trustPolicy: t, policies: [p], maxSessionDuration: 99 }]\nsts: {accountId: '123456789012'}",
         "etc/test.yaml: roles[0].maxSessionDuration: must be between 3600 and 43200"),
        ("roles: [{ arn: nope, trustPolicy: t, policies: [p] }]", "etc/test.yaml: roles[0].arn: expected arn:aws:iam::"),
        ("roles: [{ arn: arn:aws:iam::000000000000:role/x, policies: [p] }]", "etc/test.yaml: roles[0].trustPolicy: required but missing"),
        ("providers: [{ name: a, issuer: 'https://a', audiences: [x], algorithms: [none] }]", "etc/test.yaml: providers[0].algorithms[0]: unsupported algorithm 'none'"),
        ("providers: [{ name: a, issuer: 'https://a', audiences: [x], algorithms: [HS256] }]",
         "etc/test.yaml: providers[0].algorithms[0]: 'HS256' is refused unless providers[0].sharedSecret is configured"),
        ("providers: [{ name: a, issuer: 'https://a', audiences: [x], algorithms: [none] }]", "etc/test.yaml: providers[0].algorithms[0]: unsupported algorithm 'none'"),
        ("providers: [{ name: a, issuer: 'https://a', audiences: [x], algorithms: [RS256], sharedSecret: { value: s } }]",
         "etc/test.yaml: providers[0].sharedSecret: is set but algorithms lists no HS256"),
        ("providers: [{ name: a, issuer: 'https://a', audiences: [x], keyRefreshCooldownSeconds: 0 }]",
         "etc/test.yaml: providers[0].keyRefreshCooldownSeconds: must be between 1 and 3600"),
        ("providers: [{ name: a, issuer: 'https://a', audiences: [x], sessionClaims: [email, ''] }]",
         "etc/test.yaml: providers[0].sessionClaims[1]: must be a claim name"),
        ("providers: [{ name: a, issuer: 'https://a', audiences: [] }]", "etc/test.yaml: providers[0].audiences: at least one"),
        ("s3: { listen: 'nope' }", "etc/test.yaml: s3.listen: expected host:port"),
        ("backends: [{ name: b, type: s3 }]", "etc/test.yaml: backends[0].endpoint: required for an s3 backend"),
        ("backends: [{ name: b, type: ftp }]", "etc/test.yaml: backends[0].type:"),
        ("backends: [{ name: b, type: s3, endpoint: 'http://x', accessKeyId: { value: a, env: b } }]", "etc/test.yaml: backends[0].accessKeyId: exactly one of"),
        ("backends: [{ name: b, type: s3, endpoint: 'http://x', retries: 11 }]", "etc/test.yaml: backends[0].retries: must be between 0 and 10"),
        ("backends: [{ name: b, type: s3, endpoint: 'http://x', retries: -1 }]", "etc/test.yaml: backends[0].retries: must be between 0 and 10"),
        ("backends: [{ name: b, type: s3, endpoint: 'http://x', connectTimeoutSeconds: 0 }]", "etc/test.yaml: backends[0].connectTimeoutSeconds: must be between 1"),
        ("backends: [{ name: b, type: s3, endpoint: 'http://x', readTimeoutSeconds: 0 }]", "etc/test.yaml: backends[0].readTimeoutSeconds: must be between 1"),
        ("sts: { accountId: 12 }", "etc/test.yaml: sts.accountId:"),
        ("managedPolicies: [{ arn: 'arn:aws:iam::123456789012:role/x', file: p.json }]", "etc/test.yaml: managedPolicies[0].arn: expected arn:aws:iam::"),
        ("managedPolicies: [{ arn: 'arn:aws:iam::123456789012:policy/x', fil: p.json }]", "etc/test.yaml: managedPolicies[0].fil: unknown key"),
        ("managedPolicies: [{ arn: 'arn:aws:iam::123456789012:policy/x', file: a }, { arn: 'arn:aws:iam::123456789012:policy/x', file: b }]",
         "etc/test.yaml: managedPolicies[1].arn: policy 'arn:aws:iam::123456789012:policy/x' is configured twice"),
    ])
    func badConfigurationNamesFileAndField(yaml: String, expected: String) {
        do {
            _ = try validate(yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(String(describing: error).hasPrefix(expected), "\(error)")
        }
    }

    @Test func environmentOverridesListenAddresses() throws {
        var config = try validate(Self.valid)
        ConfigurationLoader.applyEnvironment(
            &config, ["PORTCULLIS_STS_LISTEN": "0.0.0.0:1", "PORTCULLIS_S3_LISTEN": "[::1]:2", "PORTCULLIS_S3_ADMIN_LISTEN": "127.0.0.1:3"])
        #expect(config.sts.listen == "0.0.0.0:1")
        #expect(ListenAddress(parsing: config.s3.listen) == ListenAddress(host: "::1", port: 2))
        #expect(config.s3.adminListen == "127.0.0.1:3")
    }

    @Test func secretsResolveFromEnvironmentAndValue() throws {
        #expect(try SecretReference.environment("K").resolve(baseDirectory: ".", environment: ["K": "v"]) == "v")
        #expect(throws: SecretResolutionError.self) { try SecretReference.environment("K").resolve(baseDirectory: ".", environment: [:]) }
        #expect(try SecretReference.value("x").resolve(baseDirectory: ".", environment: [:]) == "x")
    }

    @Test func providerSharedSecretsAreReadAndNamedWhenMissing() throws {
        let yaml = Self.valid.replacingOccurrences(
            of: #"- { name: idp, issuer: "https://idp.example", audiences: [portcullis], algorithms: [RS256, ES256] }"#,
            with: "- { name: hs, issuer: 'https://hs.example.com', audiences: [x], algorithms: [HS256], sharedSecret: { env: HS_SECRET }, "
                + "keyRefreshCooldownSeconds: 5, sessionClaims: [email] }")
        let config = try validate(yaml)
        let secret = String(repeating: "s", count: 32)
        let providers = try config.oidcProviders(environment: ["HS_SECRET": secret])
        #expect(providers[0].sharedSecret == OIDCSharedSecret(Array(secret.utf8)))
        #expect(providers[0].keyRefreshCooldownSeconds == 5)
        #expect(config.providers[0].sessionClaims == ["email"])
        do {
            _ = try config.oidcProviders(environment: [:])
            Issue.record("a missing secret was accepted")
        } catch {
            #expect(error.description == "etc/test.yaml: providers[0].sharedSecret: environment variable HS_SECRET is not set")
        }
    }

    @Test func relativePathsResolveAgainstTheConfigurationDirectory() {
        #expect(ConfigurationPaths.directory(of: "etc/dev.yaml") == "etc")
        #expect(ConfigurationPaths.resolve("../policies/a.json", against: "etc") == "etc/../policies/a.json")
        #expect(ConfigurationPaths.resolve("/abs", against: "etc") == "/abs")
    }
}
