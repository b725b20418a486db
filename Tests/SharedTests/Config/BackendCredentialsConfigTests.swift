import Foundation
import Testing

@testable import Shared

/// How an `s3` backend authenticates upstream: exactly one of static keys, web identity, anonymous.
@Suite struct BackendCredentialsConfigTests {
    func validate(_ backend: String) throws -> PortcullisConfiguration {
        let yaml = ConfigurationLoaderTests.valid.replacingOccurrences(
            of: "{ name: local, type: filesystem, path: data }", with: backend)
        var config = try ConfigurationLoader.decode(yaml, source: "etc/test.yaml")
        config.sourcePath = "etc/test.yaml"
        try ConfigurationValidator(config).validate()
        return config
    }

    static let endpoint = "name: b, type: s3, endpoint: 'https://s3.example'"
    static let keys = "accessKeyId: { value: a }, secretAccessKey: { value: s }"
    static let webIdentity = "webIdentity: { stsEndpoint: 'https://sts.example', roleArn: 'arn:aws:iam::123456789012:role/proxy', tokenFile: token }"

    @Test func eachKindLoads() throws {
        #expect(try validate("{ \(Self.endpoint), \(Self.keys) }").backends[0].accessKeyId == .value("a"))
        #expect(try validate("{ \(Self.endpoint), anonymous: true }").backends[0].anonymous)
        let identity = try #require(try validate("{ \(Self.endpoint), \(Self.webIdentity) }").backends[0].webIdentity)
        #expect(identity == WebIdentitySettings(
            stsEndpoint: "https://sts.example", roleArn: "arn:aws:iam::123456789012:role/proxy", tokenFile: "token",
            sessionName: "portcullis", durationSeconds: 3600, refreshBeforeExpirySeconds: nil))
    }

    @Test(arguments: [
        ("{ \(endpoint) }", "etc/test.yaml: backends[0]: an s3 backend needs credentials"),
        ("{ \(endpoint), anonymous: false }", "etc/test.yaml: backends[0]: an s3 backend needs credentials"),
        ("{ \(endpoint), \(keys), anonymous: true }", "etc/test.yaml: backends[0].anonymous: choose one of"),
        ("{ \(endpoint), \(keys), \(webIdentity) }", "etc/test.yaml: backends[0].webIdentity: choose one of"),
        ("{ \(endpoint), accessKeyId: { value: a }, anonymous: true }", "etc/test.yaml: backends[0].secretAccessKey: accessKeyId and secretAccessKey go together"),
        ("{ name: b, type: filesystem, path: d, anonymous: true }", "etc/test.yaml: backends[0]: credentials (accessKeyId, webIdentity, anonymous) are only for s3 backends"),
        ("{ \(endpoint), webIdentity: { stsEndpoint: 'ftp://x', roleArn: 'arn:aws:iam::123456789012:role/p', tokenFile: t } }",
         "etc/test.yaml: backends[0].webIdentity.stsEndpoint: expected an http(s) URL"),
        ("{ \(endpoint), webIdentity: { stsEndpoint: 'https://x', roleArn: 'proxy', tokenFile: t } }",
         "etc/test.yaml: backends[0].webIdentity.roleArn: expected a role ARN"),
        ("{ \(endpoint), webIdentity: { stsEndpoint: 'https://x', roleArn: 'arn:aws:iam::123456789012:role/p', tokenFile: '' } }",
         "etc/test.yaml: backends[0].webIdentity.tokenFile: must not be empty"),
        ("{ \(endpoint), webIdentity: { stsEndpoint: 'https://x', roleArn: 'arn:aws:iam::123456789012:role/p', tokenFile: t, sessionName: 'a b' } }",
         "etc/test.yaml: backends[0].webIdentity.sessionName: must be 2 to 64 characters"),
        ("{ \(endpoint), webIdentity: { stsEndpoint: 'https://x', roleArn: 'arn:aws:iam::123456789012:role/p', tokenFile: t, durationSeconds: 899 } }",
         "etc/test.yaml: backends[0].webIdentity.durationSeconds: must be between 900 and 43200"),
        ("{ \(endpoint), webIdentity: { stsEndpoint: 'https://x', roleArn: 'arn:aws:iam::123456789012:role/p', tokenFile: t, durationSeconds: 900, refreshBeforeExpirySeconds: 900 } }",
         "etc/test.yaml: backends[0].webIdentity.refreshBeforeExpirySeconds: must be at least 1 and less than durationSeconds"),
        ("{ \(endpoint), webIdentity: { stsEndpoint: 'https://x', roleArn: 'arn:aws:iam::123456789012:role/p', tokenFil: t } }",
         "etc/test.yaml: backends[0].webIdentity.tokenFil: unknown key"),
    ])
    func badCredentialsNameTheField(backend: String, expected: String) {
        do {
            _ = try validate(backend)
            Issue.record("accepted: \(backend)")
        } catch {
            #expect(String(describing: error).hasPrefix(expected), "\(error)")
        }
    }
}
