/// Decides whether a request is allowed by a role's policies and an optional session policy.
///
/// Follows AWS evaluation logic (`reference_policies_evaluation-logic`):
/// 1. The default is deny.
/// 2. A matching `Deny` in **any** policy (role or session) decides deny.
/// 3. Otherwise every requested (action, resource) pair needs a matching `Allow` in the role's
///    policies, **and**, when a session policy is present, in the session policies too: the
///    effective permission is the intersection.
///
/// ```swift
/// let evaluator = PolicyEvaluator(rolePolicies: [policy], sessionPolicies: nil)
/// let decision = evaluator.evaluate(AuthorizationContext(
///     action: "s3:GetObject", resource: "arn:aws:s3:::b/alice/x",
///     conditionValues: ["jwt:sub": ["alice"], "aws:SourceIp": ["10.0.0.7"]]))
/// guard decision.isAllowed else { /* 403, log decision.description */ }
/// ```
///
/// The evaluator only holds compiled policies, so it is cheap to build per request.
public struct PolicyEvaluator: Sendable {
    /// The role's policies: identity policies for S3 requests, the trust policy for STS.
    public let rolePolicies: [Policy]
    /// `nil` means no session policy. Non-nil means the session policies must also allow
    /// (so an empty array allows nothing).
    public let sessionPolicies: [Policy]?

    public init(rolePolicies: [Policy], sessionPolicies: [Policy]? = nil) {
        self.rolePolicies = rolePolicies
        self.sessionPolicies = sessionPolicies
    }

    /// Evaluates `context`; a context with no requests is denied.
    public func evaluate(_ context: AuthorizationContext) -> Decision {
        guard !context.requests.isEmpty else {
            return .implicitDeny(request: AccessRequest(action: "", resource: ""), missingAllowIn: .role)
        }
        // Explicit denies first, for every pair, so the answer names the Deny when there is one.
        for request in context.requests {
            if let deny = firstStatement(.deny, in: rolePolicies, request, context) {
                return .explicitDeny(by: deny, request: request)
            }
            if let sessionPolicies, let deny = firstStatement(.deny, in: sessionPolicies, request, context) {
                return .explicitDeny(by: deny, request: request)
            }
        }
        var allowedBy: [StatementReference] = []
        allowedBy.reserveCapacity(context.requests.count * (sessionPolicies == nil ? 1 : 2))
        for request in context.requests {
            guard let allow = firstStatement(.allow, in: rolePolicies, request, context) else {
                return .implicitDeny(request: request, missingAllowIn: .role)
            }
            allowedBy.append(allow)
            if let sessionPolicies {
                guard let sessionAllow = firstStatement(.allow, in: sessionPolicies, request, context) else {
                    return .implicitDeny(request: request, missingAllowIn: .session)
                }
                allowedBy.append(sessionAllow)
            }
        }
        return .allow(by: allowedBy)
    }

    /// Evaluates `context` against role policies and an optional session policy.
    public static func evaluate(_ context: AuthorizationContext, rolePolicies: [Policy], sessionPolicies: [Policy]? = nil) -> Decision {
        PolicyEvaluator(rolePolicies: rolePolicies, sessionPolicies: sessionPolicies).evaluate(context)
    }

    private func firstStatement(
        _ effect: Statement.Effect,
        in policies: [Policy],
        _ request: AccessRequest,
        _ context: AuthorizationContext
    ) -> StatementReference? {
        // Index through buffers so each statement is borrowed rather than copied (a copy of a
        // statement retains every array it holds).
        policies.withUnsafeBufferPointer { policies in
            for policyIndex in policies.indices {
                let found: StatementReference? = policies[policyIndex].statements.withUnsafeBufferPointer { statements in
                    for index in statements.indices where statements[index].effect == effect {
                        if statements[index].applies(to: request, in: context) { return statements[index].reference }
                    }
                    return nil
                }
                if let found { return found }
            }
            return nil
        }
    }
}
