import Testing

@testable import S3Server
@testable import Shared

/// The explain tool goes through the server's classifier and authoriser, so its answers are
/// the server's answers; these check the wiring and the wording.
@Suite struct PolicyExplainerTests {
    static let roleARN = "arn:aws:iam::123456789012:role/dev"

    static func explainer() throws -> PolicyExplainer {
        let permissions = try Policy(
            json: """
                {"Version":"2012-10-17","Statement":[
                  {"Sid":"Home","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/${aws:PrincipalTag/team}/*"},
                  {"Sid":"NoPublic","Effect":"Deny","Action":"s3:PutObjectAcl","Resource":"*","Condition":{"StringEquals":{"s3:x-amz-acl":"public-read"}}},
                  {"Sid":"AclOk","Effect":"Allow","Action":"s3:PutObjectAcl","Resource":"*"}
                ]}
                """, source: "policies/dev.json", kind: .identity)
        let trust = try Policy(
            json: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"idp"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#,
            source: "trust.json", kind: .trust)
        let role = RoleCatalog.Role(
            arn: roleARN, name: "dev", id: "AROAEXAMPLE", trustPolicy: trust, permissionPolicies: [permissions], maxSessionDuration: 3600)
        return PolicyExplainer(authorizer: S3Authorizer(roles: LiveRoleCatalog(RoleCatalog(roles: [role])), region: "us-east-1"))
    }

    func explain(_ subject: PolicyExplainer.Subject, tags: [String: String] = ["team": "blue"], role: String = roleARN) throws
        -> PolicyExplainer.Explanation
    {
        var session = PolicyExplainer.Session(role: role)
        session.tags = tags
        return try Self.explainer().explain(subject, session: session, conditions: [:], sourceIP: nil, secure: false, now: 1_800_000_000)
    }

    @Test func anAllowedRequestNamesItsStatement() throws {
        let result = try explain(.request(method: "GET", target: "/data/blue/report.csv", headers: []))
        #expect(result.allowed)
        #expect(result.text.contains("operation: GetObject"))
        #expect(result.text.contains("needs:     s3:GetObject on arn:aws:s3:::data/blue/report.csv"))
        #expect(result.text.contains("allowed by policies/dev.json: Statement[0] (Sid \"Home\")"))
    }

    @Test func policyVariablesUseTheSessionTags() throws {
        let result = try explain(.request(method: "GET", target: "/data/blue/report.csv", headers: []), tags: ["team": "red"])
        #expect(!result.allowed)
        #expect(result.text.contains("DENY (implicit"))
    }

    @Test func headerImpliedActionsAndExplicitDenies() throws {
        let result = try explain(.request(method: "PUT", target: "/data/blue/x", headers: [("x-amz-acl", "public-read")]))
        #expect(!result.allowed)
        #expect(result.text.contains("needs:     s3:PutObjectAcl on arn:aws:s3:::data/blue/x"))
        #expect(result.text.contains("DENY (explicit)"))
        #expect(result.text.contains("Sid \"NoPublic\""))
    }

    @Test func explicitPermissions() throws {
        let result = try explain(.permissions([.init(action: "s3:PutObject", resource: "arn:aws:s3:::data/blue/k")]))
        #expect(result.allowed)
        #expect(result.operation == nil)
    }

    @Test func anUnconfiguredPolicyARNDeniesEverything() throws {
        var session = PolicyExplainer.Session(role: Self.roleARN)
        session.tags = ["team": "blue"]
        session.policyARNs = ["arn:aws:iam::123456789012:policy/not-configured"]
        let result = try Self.explainer().explain(
            .request(method: "GET", target: "/data/blue/report.csv", headers: []), session: session, conditions: [:], sourceIP: nil,
            secure: false, now: 1_800_000_000)
        #expect(!result.allowed)
        #expect(result.text.contains("managedPolicies"))
    }

    @Test func unknownRolesAndUnclassifiedRequestsAreDenied() throws {
        #expect(try explain(.request(method: "GET", target: "/data/blue/k", headers: []), role: "arn:aws:iam::123456789012:role/nope").text
            .contains("no role"))
        let torrent = try explain(.request(method: "GET", target: "/data/blue/k?torrent", headers: []))
        #expect(!torrent.allowed)
        #expect(torrent.text.contains("NotImplemented"))
        #expect(try explain(.request(method: "POST", target: "/data?delete", headers: [])).text.contains("key by key"))
    }
}
