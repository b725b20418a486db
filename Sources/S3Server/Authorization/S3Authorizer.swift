import HTTPTypes
import NIOConcurrencyHelpers
import Shared

/// Decides whether an authenticated session may perform a classified operation: the role's
/// policies, intersected with the session policy when the session has one (wire-semantics §3.2).
struct S3Authorizer: Sendable {
    /// The roles in force; replaced whole when the policy files are reloaded.
    let roles: LiveRoleCatalog
    let region: String
    /// Session policies travel in the token; each distinct one is parsed once, not per request.
    let sessionPolicies = SessionPolicyCache()

    init(roles: LiveRoleCatalog, region: String) {
        self.roles = roles
        self.region = region
    }

    /// Request facts that condition keys draw on.
    struct RequestFacts: Sendable {
        let sourceIP: String?
        let secureTransport: Bool
        let userAgent: String?
        let referer: String?
        let contentSHA256: String?
        let now: Int64
    }

    /// - Parameter undeterminedConditionKeys: keys left open, to ask whether some request could
    ///   be allowed (ListBuckets' visibility check); empty when authorising a request.
    func authorize(
        _ permissions: [S3Operation.Permission], operation: S3Operation, auth: AuthenticatedRequest, facts: RequestFacts,
        undeterminedConditionKeys: Set<String> = []
    ) throws(S3Error) -> Decision {
        let catalog = roles.current
        guard let role = catalog.role(arn: auth.session.role) else {
            // The role was removed after the session was issued: deny, never fail open or 500.
            throw S3Error.accessDenied()
        }
        // The session policies (inline `Policy` and managed `PolicyArns`) together narrow the
        // role; one that no longer parses or exists denies everything rather than widening.
        var sessionPolicies: [Policy]?
        if let text = auth.session.pol {
            guard let policy = self.sessionPolicies.policy(for: text) else { throw .accessDenied() }
            sessionPolicies = [policy]
        }
        for arn in auth.session.parns ?? [] {
            guard let policy = catalog.managedPolicy(arn: arn) else { throw .accessDenied() }
            sessionPolicies = (sessionPolicies ?? []) + [policy]
        }
        var context = AuthorizationContext(
            requests: permissions.map { AccessRequest(action: $0.action, resource: $0.resource) },
            conditionValues: conditionValues(operation: operation, auth: auth, role: role, facts: facts))
        context.undeterminedConditionKeys = undeterminedConditionKeys
        return PolicyEvaluator(rolePolicies: role.permissionPolicies, sessionPolicies: sessionPolicies).evaluate(context)
    }

    /// The session's own condition keys (see ``SessionFacts``) with those of this request.
    func conditionValues(
        operation: S3Operation, auth: AuthenticatedRequest, role: RoleCatalog.Role, facts: RequestFacts
    ) -> ConditionValues {
        var values = auth.sessionFacts.conditionValues
        // What the session says about its principal is never replaced by what a request carries.
        for (key, list) in operation.conditionValues where values[key] == nil { values[key] = list }
        values["aws:userid"] = ["\(role.id):\(auth.session.rsn)"]
        values["aws:CurrentTime"] = [ISO8601.seconds(facts.now)]
        values["aws:EpochTime"] = [String(facts.now)]
        values["aws:SecureTransport"] = [facts.secureTransport ? "true" : "false"]
        values["aws:RequestedRegion"] = [region]
        values["s3:signatureversion"] = [auth.signatureVersion.rawValue]
        values["s3:authType"] = [auth.authType.rawValue]
        if let age = auth.signatureAgeMilliseconds { values["s3:signatureAge"] = [String(age)] }
        if let ip = facts.sourceIP { values["aws:SourceIp"] = [ip] }
        if let agent = facts.userAgent { values["aws:UserAgent"] = [agent] }
        if let referer = facts.referer { values["aws:Referer"] = [referer] }
        if let sha = facts.contentSHA256 { values["s3:x-amz-content-sha256"] = [sha] }
        return values
    }
}

/// Parsed session policies by their text, bounded: a flood of distinct policies only costs parsing.
final class SessionPolicyCache: Sendable {
    private let entries = NIOLockedValueBox<[String: Policy]>([:])
    static let capacity = 1024

    /// The parsed policy, or nil when the text is not a valid policy (the session then gets no access).
    func policy(for text: String) -> Policy? {
        if let cached = entries.withLockedValue({ $0[text] }) { return cached }
        guard let policy = try? Policy(json: text, source: "session policy", kind: .identity) else { return nil }
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[text] = policy
        }
        return policy
    }
}
