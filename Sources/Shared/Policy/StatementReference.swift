/// Which statement of which policy, for explanations and audit logs.
public struct StatementReference: Sendable, Hashable, CustomStringConvertible {
    /// The policy's source name (usually its file path).
    public let source: String
    /// Zero-based index in the policy's `Statement` list.
    public let index: Int
    public let sid: String?

    public init(source: String, index: Int, sid: String?) {
        self.source = source
        self.index = index
        self.sid = sid
    }

    public var description: String {
        "\(source): Statement[\(index)]" + (sid.map { " (Sid \"\($0)\")" } ?? "")
    }
}
