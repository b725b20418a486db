/// One entry of `roles:`: a role that federated users may assume.
public struct RoleSettings: Sendable, Decodable {
    /// `arn:aws:iam::<account>:role/<name>`.
    public var arn: String
    /// Trust policy file. Required: a role without one cannot be assumed.
    public var trustPolicy: String
    /// Permission policy files; their union is the role's permissions.
    public var policies: [String]
    /// Upper bound for `DurationSeconds`, 3600–43200 as in IAM.
    public var maxSessionDuration: Int = 3600

    enum CodingKeys: String, CodingKey, CaseIterable { case arn, trustPolicy, policies, maxSessionDuration }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        arn = try c.decode(String.self, forKey: .arn)
        trustPolicy = try c.decode(String.self, forKey: .trustPolicy)
        policies = try c.decode([String].self, forKey: .policies)
        maxSessionDuration = try c.decodeIfPresent(Int.self, forKey: .maxSessionDuration) ?? maxSessionDuration
    }
}
