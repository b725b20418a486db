/// One entry of `managedPolicies:`: a policy callers may name in STS's `PolicyArns` to narrow a
/// session, as IAM managed policies are used as session policies.
public struct ManagedPolicySettings: Sendable, Decodable {
    /// `arn:aws:iam::<account>:policy/<path/name>`.
    public var arn: String
    /// The policy file.
    public var file: String

    enum CodingKeys: String, CodingKey, CaseIterable { case arn, file }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        arn = try c.decode(String.self, forKey: .arn)
        file = try c.decode(String.self, forKey: .file)
    }

    /// Whether `text` has the shape of an IAM policy ARN.
    public static func isPolicyARN(_ text: String) -> Bool {
        let prefix = "arn:aws:iam::"
        guard text.hasPrefix(prefix) else { return false }
        let rest = text.dropFirst(prefix.count)
        guard let colon = rest.firstIndex(of: ":") else { return false }
        let account = rest[..<colon]
        let resource = rest[rest.index(after: colon)...]
        let accountOK = account == "aws" || (account.utf8.count == 12 && account.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 })
        return accountOK && resource.hasPrefix("policy/") && resource.utf8.count > 7
    }
}
