import Shared
import Testing

@Suite("Policy evaluation")
struct PolicyEvaluatorTests {
    static let readOwn = #"""
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::data"},
          {"Sid": "ReadWrite", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::data/*"},
          {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::data/secret/*"}
        ]}
        """#

    struct Case: Sendable, CustomTestStringConvertible {
        var action: String
        var resource: String
        var allowed: Bool
        var testDescription: String { "\(action) \(resource) → \(allowed)" }
    }

    static let readOwnCases: [Case] = [
        Case(action: "s3:ListBucket", resource: "arn:aws:s3:::data", allowed: true),
        Case(action: "s3:listbucket", resource: "arn:aws:s3:::data", allowed: true),  // actions ignore case
        Case(action: "s3:ListBucket", resource: "arn:aws:s3:::data-private", allowed: false),
        Case(action: "s3:ListBucket", resource: "arn:aws:s3:::data/x", allowed: false),
        Case(action: "s3:GetObject", resource: "arn:aws:s3:::data/a/b", allowed: true),
        Case(action: "s3:GetObject", resource: "arn:aws:s3:::data", allowed: false),  // data/* is not the bucket
        Case(action: "s3:GetObject", resource: "arn:aws:s3:::DATA/a", allowed: false),  // resources keep case
        Case(action: "s3:GetObject", resource: "arn:aws:s3:::data-private/a", allowed: false),
        Case(action: "s3:DeleteObject", resource: "arn:aws:s3:::data/a", allowed: false),
        Case(action: "s3:GetObject", resource: "arn:aws:s3:::data/secret/k", allowed: false),
    ]

    @Test(arguments: readOwnCases)
    func readOwnPolicy(_ c: Case) throws {
        let policy = try makeTestPolicy(Self.readOwn)
        #expect(policyDecision([policy], c.action, c.resource).isAllowed == c.allowed)
    }

    @Test func denyWinsAndIsExplained() throws {
        let policy = try makeTestPolicy(Self.readOwn, source: "policies/reader.json")
        let decision = policyDecision([policy], "s3:GetObject", "arn:aws:s3:::data/secret/k")
        #expect(decision == .explicitDeny(
            by: StatementReference(source: "policies/reader.json", index: 2, sid: "NoSecrets"),
            request: AccessRequest(action: "s3:GetObject", resource: "arn:aws:s3:::data/secret/k")
        ))
        #expect(decision.description == #"s3:GetObject on arn:aws:s3:::data/secret/k: explicitly denied by policies/reader.json: Statement[2] (Sid "NoSecrets")"#)
    }

    @Test func denyInAnotherPolicyWins() throws {
        let allowAll = try makeStatementPolicy(#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#, source: "a.json")
        let denyPut = try makeStatementPolicy(#"{"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}"#, source: "b.json")
        #expect(policyDecision([allowAll, denyPut], "s3:PutObject", "arn:aws:s3:::b/k") == .explicitDeny(
            by: StatementReference(source: "b.json", index: 0, sid: nil),
            request: AccessRequest(action: "s3:PutObject", resource: "arn:aws:s3:::b/k")
        ))
        #expect(policyDecision([allowAll, denyPut], "s3:GetObject", "arn:aws:s3:::b/k").isAllowed)
    }

    @Test func defaultIsImplicitDeny() throws {
        let policy = try makeTestPolicy(Self.readOwn)
        #expect(policyDecision([policy], "s3:DeleteObject", "arn:aws:s3:::data/a") == .implicitDeny(
            request: AccessRequest(action: "s3:DeleteObject", resource: "arn:aws:s3:::data/a"),
            missingAllowIn: .role
        ))
        #expect(!policyDecision([], "s3:GetObject", "arn:aws:s3:::data/a").isAllowed)
    }

    @Test func allowNamesTheStatement() throws {
        let policy = try makeTestPolicy(Self.readOwn, source: "r.json")
        #expect(policyDecision([policy], "s3:GetObject", "arn:aws:s3:::data/a") == .allow(by: [StatementReference(source: "r.json", index: 1, sid: "ReadWrite")]))
    }

    static let notActionCases: [(statement: String, action: String, resource: String, allowed: Bool)] = [
        // Allow everything except deletes.
        (#"{"Effect": "Allow", "NotAction": "s3:Delete*", "Resource": "*"}"#, "s3:GetObject", "arn:aws:s3:::b/k", true),
        (#"{"Effect": "Allow", "NotAction": "s3:Delete*", "Resource": "*"}"#, "s3:DeleteObject", "arn:aws:s3:::b/k", false),
        (#"{"Effect": "Allow", "NotAction": "s3:delete*", "Resource": "*"}"#, "s3:DeleteObject", "arn:aws:s3:::b/k", false),
        // Allow everywhere except one bucket.
        (#"{"Effect": "Allow", "Action": "s3:*", "NotResource": ["arn:aws:s3:::private", "arn:aws:s3:::private/*"]}"#, "s3:GetObject", "arn:aws:s3:::public/k", true),
        (#"{"Effect": "Allow", "Action": "s3:*", "NotResource": ["arn:aws:s3:::private", "arn:aws:s3:::private/*"]}"#, "s3:GetObject", "arn:aws:s3:::private/k", false),
        (#"{"Effect": "Allow", "Action": "s3:*", "NotResource": ["arn:aws:s3:::private", "arn:aws:s3:::private/*"]}"#, "s3:ListBucket", "arn:aws:s3:::private", false),
        (#"{"Effect": "Allow", "Action": "s3:*", "NotResource": ["arn:aws:s3:::private", "arn:aws:s3:::private/*"]}"#, "s3:ListBucket", "arn:aws:s3:::private-2", true),
    ]

    @Test(arguments: 0..<notActionCases.count)
    func notActionAndNotResource(_ index: Int) throws {
        let c = Self.notActionCases[index]
        let policy = try makeStatementPolicy(c.statement)
        #expect(policyDecision([policy], c.action, c.resource).isAllowed == c.allowed)
    }

    /// A `Deny` with `NotAction` denies every action it does not list (fakes3pp ignored this).
    @Test func denyWithNotActionDeniesEverythingElse() throws {
        let policy = try makeTestPolicy(#"""
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
              {"Effect": "Deny", "NotAction": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
              {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::shared/*"}
            ]}
            """#)
        #expect(policyDecision([policy], "s3:GetObject", "arn:aws:s3:::shared/k").isAllowed)
        #expect(!policyDecision([policy], "s3:PutObject", "arn:aws:s3:::shared/k").isAllowed)
        #expect(!policyDecision([policy], "s3:GetObject", "arn:aws:s3:::other/k").isAllowed)
    }

    @Test func sessionPolicyIntersects() throws {
        let role = try makeStatementPolicy(#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}"#, source: "role.json")
        let session = try makeStatementPolicy(#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"], "Resource": "*"}"#, source: "session")
        // Both allow GetObject.
        #expect(policyDecision([role], session: [session], "s3:GetObject", "arn:aws:s3:::b/k").isAllowed)
        // Role allows, session does not.
        #expect(policyDecision([role], session: [session], "s3:PutObject", "arn:aws:s3:::b/k") == .implicitDeny(
            request: AccessRequest(action: "s3:PutObject", resource: "arn:aws:s3:::b/k"),
            missingAllowIn: .session
        ))
        // Session allows, role does not: a session policy never widens.
        #expect(policyDecision([role], session: [session], "s3:DeleteObject", "arn:aws:s3:::b/k") == .implicitDeny(
            request: AccessRequest(action: "s3:DeleteObject", resource: "arn:aws:s3:::b/k"),
            missingAllowIn: .role
        ))
        // Without a session policy the role alone decides; an empty session policy list allows nothing.
        #expect(policyDecision([role], session: nil, "s3:PutObject", "arn:aws:s3:::b/k").isAllowed)
        #expect(!policyDecision([role], session: [], "s3:GetObject", "arn:aws:s3:::b/k").isAllowed)
    }

    @Test func denyInSessionPolicyWins() throws {
        let role = try makeStatementPolicy(#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#)
        let session = try makeTestPolicy(#"""
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
              {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}
            ]}
            """#, source: "session")
        let decision = policyDecision([role], session: [session], "s3:DeleteObject", "arn:aws:s3:::b/k")
        guard case .explicitDeny(let by, _) = decision else {
            Issue.record("expected explicit deny, got \(decision)")
            return
        }
        #expect(by == StatementReference(source: "session", index: 1, sid: "NoDelete"))
    }

    @Test func everyRequestedPairMustBeAllowed() throws {
        let policy = try makeTestPolicy(#"""
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::dst/*"},
              {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::src/*"}
            ]}
            """#)
        let evaluator = PolicyEvaluator(rolePolicies: [policy])
        let copyOK = AuthorizationContext(requests: [
            AccessRequest(action: "s3:PutObject", resource: "arn:aws:s3:::dst/k"),
            AccessRequest(action: "s3:GetObject", resource: "arn:aws:s3:::src/k"),
        ])
        #expect(evaluator.evaluate(copyOK).isAllowed)
        let copyFromElsewhere = AuthorizationContext(requests: [
            AccessRequest(action: "s3:PutObject", resource: "arn:aws:s3:::dst/k"),
            AccessRequest(action: "s3:GetObject", resource: "arn:aws:s3:::other/k"),
        ])
        #expect(evaluator.evaluate(copyFromElsewhere) == .implicitDeny(
            request: AccessRequest(action: "s3:GetObject", resource: "arn:aws:s3:::other/k"),
            missingAllowIn: .role
        ))
        #expect(!evaluator.evaluate(AuthorizationContext(requests: [])).isAllowed)
    }
}
