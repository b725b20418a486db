import Foundation
import Logging
import Testing

@testable import Shared

/// The reload rules: a change is picked up, an unchanged set is left alone, and a broken file
/// keeps the previous policies in force.
@Suite struct PolicyReloaderTests {
    static let roleARN = "arn:aws:iam::123456789012:role/dev"
    static let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"idp"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#

    static func permissions(_ action: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Action":"\#(action)","Resource":"*"}]}"#
    }

    struct Fixture {
        let directory: URL
        let config: PortcullisConfiguration

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("reloader-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let yaml = """
                sts: { listen: "127.0.0.1:8090", accountId: "123456789012" }
                s3: { listen: "127.0.0.1:8080", adminListen: "127.0.0.1:9080" }
                providers:
                  - { name: idp, issuer: "https://idp.example", audiences: [portcullis] }
                roles:
                  - { arn: "\(PolicyReloaderTests.roleARN)", trustPolicy: trust.json, policies: [dev.json] }
                backends:
                  - { name: local, type: filesystem, path: data }
                """
            for (name, text) in [
                ("portcullis.yaml", yaml), ("trust.json", PolicyReloaderTests.trust), ("dev.json", PolicyReloaderTests.permissions("s3:GetObject")),
            ] {
                try Data(text.utf8).write(to: directory.appendingPathComponent(name))
            }
            config = try ConfigurationLoader.load(path: directory.appendingPathComponent("portcullis.yaml").path, environment: [:])
        }

        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }

        func allows(_ catalog: LiveRoleCatalog, _ action: String) throws -> Bool {
            let role = try #require(catalog.current.role(arn: PolicyReloaderTests.roleARN))
            return PolicyEvaluator.evaluate(AuthorizationContext(action: action, resource: "arn:aws:s3:::b/k"), rolePolicies: role.permissionPolicies)
                .isAllowed
        }
    }

    @Test func aChangedFileIsReloadedAndABrokenOneKeepsThePrevious() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let catalog = LiveRoleCatalog(try RoleCatalog(config: fixture.config))
        let reloader = PolicyReloader(config: fixture.config, catalog: catalog, logger: Logger(label: "test"))
        #expect(reloader.check() == .unchanged)
        #expect(try fixture.allows(catalog, "s3:GetObject"))

        try fixture.write("dev.json", Self.permissions("s3:PutObject"))
        #expect(reloader.check() == .reloaded)
        #expect(try fixture.allows(catalog, "s3:PutObject"))
        #expect(try !fixture.allows(catalog, "s3:GetObject"))
        #expect(reloader.check() == .unchanged)

        try fixture.write("dev.json", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Acton":"s3:*","Resource":"*"}]}"#)
        guard case .failed(let why) = reloader.check() else {
            Issue.record("a broken policy was accepted")
            return
        }
        #expect(why.contains("dev.json"))
        #expect(try fixture.allows(catalog, "s3:PutObject"), "the previous policies stay in force")
        // The broken file is reported once, not on every poll.
        #expect(reloader.check() == .unchanged)
        // SIGHUP retries even without a change.
        #expect(reloader.check(force: true) != .reloaded)

        try fixture.write("dev.json", Self.permissions("s3:ListBucket"))
        #expect(reloader.check() == .reloaded)
        #expect(try fixture.allows(catalog, "s3:ListBucket"))
    }

    @Test func aMissingFileKeepsThePrevious() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let catalog = LiveRoleCatalog(try RoleCatalog(config: fixture.config))
        let reloader = PolicyReloader(config: fixture.config, catalog: catalog, logger: Logger(label: "test"))
        try FileManager.default.removeItem(at: fixture.directory.appendingPathComponent("dev.json"))
        guard case .failed = reloader.check() else {
            Issue.record("a missing policy file was accepted")
            return
        }
        #expect(try fixture.allows(catalog, "s3:GetObject"))
    }
}
