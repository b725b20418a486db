/// The whole configuration file, shared by STSServer and S3Server.
///
/// Each server reads the sections it needs; both validate the whole file so that a mistake is
/// found on whichever server starts first.
public struct PortcullisConfiguration: Sendable, Decodable {
    public var sts = STSSettings()
    public var s3 = S3Settings()
    public var sessionKeys = SessionKeySettings()
    public var devIssuer = DevIssuerSettings()
    public var providers: [ProviderSettings] = []
    public var roles: [RoleSettings] = []
    /// Policies STS callers may name in `PolicyArns`.
    public var managedPolicies: [ManagedPolicySettings] = []
    public var backends: [BackendSettings] = []

    /// The file this was read from, for error messages.
    public internal(set) var sourcePath: String = ""
    /// Directory relative paths resolve against.
    public internal(set) var baseDirectory: String = "."

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sts, s3, sessionKeys, devIssuer, providers, roles, managedPolicies, backends
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sts = try c.decodeIfPresent(STSSettings.self, forKey: .sts) ?? sts
        s3 = try c.decodeIfPresent(S3Settings.self, forKey: .s3) ?? s3
        sessionKeys = try c.decodeIfPresent(SessionKeySettings.self, forKey: .sessionKeys) ?? sessionKeys
        devIssuer = try c.decodeIfPresent(DevIssuerSettings.self, forKey: .devIssuer) ?? devIssuer
        providers = try c.decodeIfPresent([ProviderSettings].self, forKey: .providers) ?? []
        roles = try c.decodeIfPresent([RoleSettings].self, forKey: .roles) ?? []
        managedPolicies = try c.decodeIfPresent([ManagedPolicySettings].self, forKey: .managedPolicies) ?? []
        backends = try c.decodeIfPresent([BackendSettings].self, forKey: .backends) ?? []
    }

    /// Resolves a path from the file against the file's directory.
    public func path(_ relative: String) -> String {
        ConfigurationPaths.resolve(relative, against: baseDirectory)
    }

    /// A `ConfigurationError` for this file.
    public func error(_ field: String, _ problem: String) -> ConfigurationError {
        ConfigurationError(file: sourcePath, field: field, problem: problem)
    }
}
