/// The `devIssuer:` section: a local OIDC issuer served by STSServer for development, so that
/// `make run` works without an identity provider. Never enable it in production: anyone who can
/// run `STSServer dev-token` with the key file can mint identities.
public struct DevIssuerSettings: Sendable, Decodable {
    public var enabled: Bool = false
    public var keyFile: String = ""
    public var audience: String = "portcullis"

    enum CodingKeys: String, CodingKey, CaseIterable { case enabled, keyFile, audience }

    public init() {}

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? false
        keyFile = try c.decodeIfPresent(String.self, forKey: .keyFile) ?? ""
        audience = try c.decodeIfPresent(String.self, forKey: .audience) ?? audience
    }
}
