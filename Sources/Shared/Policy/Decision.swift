/// The outcome of evaluating a request, with enough detail to explain it in logs.
public enum Decision: Sendable, Hashable, CustomStringConvertible {
    /// Every requested (action, resource) pair is allowed. Lists, per pair, the role statement
    /// that allowed it, and the session-policy statement when a session policy is present.
    case allow(by: [StatementReference])
    /// A `Deny` statement applied; explicit denies win over any `Allow`.
    case explicitDeny(by: StatementReference, request: AccessRequest)
    /// Nothing allowed `request` (the default): either no role statement allowed it or, with a
    /// session policy, the session policy did not.
    case implicitDeny(request: AccessRequest, missingAllowIn: PolicySet)

    /// Which group of policies lacked an `Allow`.
    public enum PolicySet: String, Sendable, Hashable {
        /// The role's (identity or trust) policies.
        case role
        /// The session policy passed to STS.
        case session
    }

    public var isAllowed: Bool {
        if case .allow = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .allow(let statements):
            return "allowed by " + statements.map(\.description).joined(separator: ", ")
        case .explicitDeny(let statement, let request):
            return "\(request): explicitly denied by \(statement)"
        case .implicitDeny(let request, let set):
            return "\(request): no statement in the \(set.rawValue) policies allows it"
        }
    }
}
