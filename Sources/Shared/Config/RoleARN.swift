/// An IAM role ARN, `arn:aws:iam::123456789012:role/path/Name`.
public struct RoleARN: Sendable, Equatable {
    public let accountId: String
    /// The part after `role/`, possibly with a path.
    public let resource: String

    public init?(_ text: String) {
        let prefix = "arn:aws:iam::"
        guard text.hasPrefix(prefix) else { return nil }
        let rest = text.dropFirst(prefix.count)
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        let account = rest[..<colon]
        let resource = rest[rest.index(after: colon)...]
        guard account.utf8.count == 12, account.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            resource.hasPrefix("role/"), resource.utf8.count > 5
        else { return nil }
        self.accountId = String(account)
        self.resource = String(resource.dropFirst(5))
    }

    /// The role's name: the last path segment, as used in assumed-role ARNs.
    public var name: String {
        if let slash = resource.lastIndex(of: "/") { return String(resource[resource.index(after: slash)...]) }
        return resource
    }
}
