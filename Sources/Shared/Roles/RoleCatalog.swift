#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The configured roles with their policies parsed and compiled once, at startup.
///
/// Both servers load it: STSServer for trust policies and role limits, S3Server for the
/// permission policies of the role a session names. A policy file that does not parse stops
/// startup with the file, statement and field named.
public struct RoleCatalog: Sendable {
    public struct Role: Sendable {
        public let arn: String
        public let name: String
        public let id: String
        public let trustPolicy: Policy
        public let permissionPolicies: [Policy]
        public let maxSessionDuration: Int

        public init(
            arn: String, name: String, id: String, trustPolicy: Policy, permissionPolicies: [Policy], maxSessionDuration: Int
        ) {
            self.arn = arn
            self.name = name
            self.id = id
            self.trustPolicy = trustPolicy
            self.permissionPolicies = permissionPolicies
            self.maxSessionDuration = maxSessionDuration
        }
    }

    private let roles: [String: Role]
    /// Policies that STS's `PolicyArns` may name, by ARN.
    private let managedPolicies: [String: Policy]

    public init(roles: [Role], managedPolicies: [String: Policy] = [:]) {
        var byARN: [String: Role] = [:]
        for role in roles { byARN[role.arn] = role }
        self.roles = byARN
        self.managedPolicies = managedPolicies
    }

    public init(config: PortcullisConfiguration) throws {
        var loaded: [Role] = []
        for (index, settings) in config.roles.enumerated() {
            let field = "roles[\(index)]"
            let trust = try Self.load(config, field: "\(field).trustPolicy", path: settings.trustPolicy, kind: .trust)
            let permissions = try settings.policies.enumerated().map { i, path in
                try Self.load(config, field: "\(field).policies[\(i)]", path: path, kind: .identity)
            }
            let name = RoleARN(settings.arn)?.name ?? settings.arn
            loaded.append(
                Role(
                    arn: settings.arn, name: name, id: RoleID.forRole(arn: settings.arn), trustPolicy: trust,
                    permissionPolicies: permissions, maxSessionDuration: settings.maxSessionDuration))
        }
        var managed: [String: Policy] = [:]
        for (index, settings) in config.managedPolicies.enumerated() {
            managed[settings.arn] = try Self.load(config, field: "managedPolicies[\(index)].file", path: settings.file, kind: .identity)
        }
        self.init(roles: loaded, managedPolicies: managed)
    }

    public func role(arn: String) -> Role? { roles[arn] }

    /// A policy named in `managedPolicies`, for sessions narrowed with `PolicyArns`.
    public func managedPolicy(arn: String) -> Policy? { managedPolicies[arn] }

    static func load(_ config: PortcullisConfiguration, field: String, path: String, kind: Policy.Kind) throws -> Policy {
        let full = config.path(path)
        guard let data = FileManager.default.contents(atPath: full) else {
            throw config.error(field, "cannot read policy file \(full)")
        }
        do {
            return try Policy(json: [UInt8](data), source: path, kind: kind)
        } catch {
            throw config.error(field, "\(error)")
        }
    }
}
