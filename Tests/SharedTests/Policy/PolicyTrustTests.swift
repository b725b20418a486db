import Shared
import Testing

@Suite("Trust policies and principals")
struct PolicyTrustTests {
    static let issuer = "127.0.0.1:8090/dev-issuer"
    static let providerArn = "arn:aws:iam::123456789012:oidc-provider/127.0.0.1:8090/dev-issuer"

    static let trust = #"""
        {"Version": "2012-10-17", "Statement": [{
          "Sid": "DevIssuer",
          "Effect": "Allow",
          "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/127.0.0.1:8090/dev-issuer"},
          "Action": "sts:AssumeRoleWithWebIdentity",
          "Condition": {
            "StringEquals": {"127.0.0.1:8090/dev-issuer:aud": "portcullis"},
            "StringLike": {"127.0.0.1:8090/dev-issuer:sub": ["alice", "team-*"]}
          }
        }]}
        """#

    struct Case: Sendable, CustomTestStringConvertible {
        var federated: [String]
        var aud: [String]?
        var sub: [String]?
        var allowed: Bool
        var testDescription: String { "\(federated) aud=\(aud ?? []) sub=\(sub ?? []) → \(allowed)" }
    }

    static let cases: [Case] = [
        Case(federated: [issuer, providerArn], aud: ["portcullis"], sub: ["alice"], allowed: true),
        Case(federated: [providerArn], aud: ["portcullis"], sub: ["team-blue"], allowed: true),
        Case(federated: [issuer, providerArn], aud: ["other"], sub: ["alice"], allowed: false),
        Case(federated: [issuer, providerArn], aud: ["portcullis"], sub: ["mallory"], allowed: false),
        Case(federated: [issuer, providerArn], aud: ["portcullis"], sub: ["xalice"], allowed: false),
        Case(federated: [issuer, providerArn], aud: nil, sub: ["alice"], allowed: false),  // missing key
        Case(federated: [issuer, providerArn], aud: ["portcullis"], sub: nil, allowed: false),
        Case(federated: ["arn:aws:iam::123456789012:oidc-provider/evil.example/dev-issuer"], aud: ["portcullis"], sub: ["alice"], allowed: false),
        Case(federated: [], aud: ["portcullis"], sub: ["alice"], allowed: false),
    ]

    @Test(arguments: cases)
    func webIdentityTrust(_ c: Case) throws {
        let policy = try makeTestPolicy(Self.trust, source: "roles/dev.trust.json", kind: .trust)
        var values = ConditionValues()
        values["\(Self.issuer):aud"] = c.aud
        values["\(Self.issuer):sub"] = c.sub
        let context = AuthorizationContext(
            action: "sts:AssumeRoleWithWebIdentity",
            resource: "arn:aws:iam::123456789012:role/dev",
            conditionValues: values,
            principals: ["Federated": c.federated]
        )
        #expect(PolicyEvaluator(rolePolicies: [policy]).evaluate(context).isAllowed == c.allowed)
    }

    @Test func trustPolicyChecksTheAction() throws {
        let policy = try makeTestPolicy(Self.trust, kind: .trust)
        let context = AuthorizationContext(
            action: "sts:AssumeRole",
            resource: "arn:aws:iam::123456789012:role/dev",
            conditionValues: ["127.0.0.1:8090/dev-issuer:aud": ["portcullis"], "127.0.0.1:8090/dev-issuer:sub": ["alice"]],
            principals: ["Federated": [Self.providerArn]]
        )
        #expect(!PolicyEvaluator(rolePolicies: [policy]).evaluate(context).isAllowed)
    }

    static let principalCases: [(principal: String, callers: [String: [String]], applies: Bool)] = [
        (#""Principal": "*""#, [:], true),
        (#""Principal": "*""#, ["Federated": ["x"]], true),
        (#""Principal": {"Federated": "x"}"#, ["Federated": ["x"]], true),
        (#""Principal": {"Federated": ["y", "x"]}"#, ["Federated": ["x"]], true),
        (#""Principal": {"Federated": "x"}"#, ["Federated": ["X"]], false),  // exact, case-sensitive
        (#""Principal": {"Federated": "x"}"#, ["AWS": ["x"]], false),  // type must match
        (#""Principal": {"AWS": "*"}"#, ["AWS": ["arn:aws:iam::1:role/r"]], true),
        (#""Principal": {"AWS": "*"}"#, [:], false),
        (#""Principal": {"Federated": "x*"}"#, ["Federated": ["xy"]], false),  // no wildcards in principals
        (#""NotPrincipal": {"Federated": "x"}"#, ["Federated": ["x"]], false),
        (#""NotPrincipal": {"Federated": "x"}"#, ["Federated": ["y"]], true),
        (#""NotPrincipal": {"Federated": "x"}"#, [:], true),
    ]

    @Test(arguments: 0..<principalCases.count)
    func principalMatching(_ index: Int) throws {
        let c = Self.principalCases[index]
        let policy = try makeTestPolicy(
            #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", \#(c.principal), "Action": "sts:AssumeRoleWithWebIdentity"}}"#,
            kind: .trust
        )
        let context = AuthorizationContext(action: "sts:AssumeRoleWithWebIdentity", resource: "role", principals: c.callers)
        #expect(PolicyEvaluator(rolePolicies: [policy]).evaluate(context).isAllowed == c.applies)
    }

    /// A `Deny` with `NotPrincipal` denies everyone except the listed principal.
    @Test func denyWithNotPrincipal() throws {
        let policy = try makeTestPolicy(#"""
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
              {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::1:role/reader"}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}
            ]}
            """#, kind: .resource)
        let evaluator = PolicyEvaluator(rolePolicies: [policy])
        let reader = AuthorizationContext(action: "s3:GetObject", resource: "arn:aws:s3:::b/k", principals: ["AWS": ["arn:aws:iam::1:role/reader"]])
        let other = AuthorizationContext(action: "s3:GetObject", resource: "arn:aws:s3:::b/k", principals: ["AWS": ["arn:aws:iam::1:role/other"]])
        #expect(evaluator.evaluate(reader).isAllowed)
        guard case .explicitDeny = evaluator.evaluate(other) else {
            Issue.record("expected an explicit deny")
            return
        }
    }
}
