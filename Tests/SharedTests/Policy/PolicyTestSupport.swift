import Shared
import Testing

/// Builds a policy from JSON text, failing the test on a parse error.
func makeTestPolicy(_ json: String, source: String = "test.json", kind: Policy.Kind = .identity) throws -> Policy {
    try Policy(json: json, source: source, kind: kind)
}

/// A one-statement identity policy.
func makeStatementPolicy(_ statement: String, version: String = "2012-10-17", source: String = "test.json") throws -> Policy {
    try makeTestPolicy(#"{"Version": "\#(version)", "Statement": \#(statement)}"#, source: source)
}

/// The parse error for `json`, or `nil` if it parsed.
func policyParseError(_ json: String, source: String = "policies/x.json", kind: Policy.Kind = .identity) -> PolicyError? {
    do {
        _ = try Policy(json: json, source: source, kind: kind)
        return nil
    } catch {
        return error
    }
}

/// Evaluates one action on one resource against role policies.
func policyDecision(
    _ policies: [Policy],
    session: [Policy]? = nil,
    _ action: String,
    _ resource: String,
    _ values: ConditionValues = [:]
) -> Decision {
    PolicyEvaluator(rolePolicies: policies, sessionPolicies: session)
        .evaluate(AuthorizationContext(action: action, resource: resource, conditionValues: values))
}
