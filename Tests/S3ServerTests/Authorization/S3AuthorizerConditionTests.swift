import Testing

@testable import S3Server
@testable import Shared

/// The condition keys a session brings to every S3 decision (wire-semantics §4.1).
@Suite struct S3AuthorizerConditionTests {
    @Test func sessionKeysInAWSForm() throws {
        let trust = try Policy(
            json: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"idp"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#,
            source: "t", kind: .trust)
        let role = RoleCatalog.Role(
            arn: "arn:aws:iam::123456789012:role/dev", name: "dev", id: "AROAEXAMPLE", trustPolicy: trust, permissionPolicies: [],
            maxSessionDuration: 3600)
        let authorizer = S3Authorizer(roles: LiveRoleCatalog(RoleCatalog(roles: [role])), region: "eu-west-1")
        let session = SessionClaims(
            akid: "ASIAAAAAAAAAAAAAAAAA", jti: "j", iat: 1_700_000_000, exp: 1_700_003_600, role: role.arn, rsn: "alice-laptop",
            sub: "alice", oiss: "https://idp.example/realms/x/", oaud: "portcullis", dkid: "d",
            claims: ["groups": ["a", "b"]], tags: ["team": "blue"])
        let auth = AuthenticatedRequest(
            session: session, accessKeyID: session.akid, signatureVersion: .v2, authType: .query, payload: .unsigned,
            signatureAgeMilliseconds: 0)
        let operation = S3Operation(name: .getObject, bucket: "b", key: "k", permissions: [], conditionValues: ["s3:VersionId": ["v"]])
        let facts = S3Authorizer.RequestFacts(
            sourceIP: "192.0.2.1", secureTransport: true, userAgent: "ua", referer: nil, contentSHA256: nil, now: 1_700_000_100)
        let values = authorizer.conditionValues(operation: operation, auth: auth, role: role, facts: facts)
        let expected: [String: [String]] = [
            "idp.example/realms/x:sub": ["alice"], "idp.example/realms/x:aud": ["portcullis"],
            "aws:FederatedProvider": ["idp.example/realms/x"], "aws:userid": ["AROAEXAMPLE:alice-laptop"],
            "aws:PrincipalArn": [role.arn], "aws:PrincipalTag/team": ["blue"], "aws:SourceIp": ["192.0.2.1"],
            "aws:SecureTransport": ["true"], "aws:EpochTime": ["1700000100"], "aws:CurrentTime": ["2023-11-14T22:15:00Z"],
            "aws:TokenIssueTime": ["2023-11-14T22:13:20Z"], "aws:RequestedRegion": ["eu-west-1"], "aws:UserAgent": ["ua"],
            "s3:signatureversion": ["AWS"], "s3:authType": ["REST-QUERY-STRING"], "s3:signatureAge": ["0"],
            "s3:VersionId": ["v"], "jwt:groups": ["a", "b"], "jwt:sub": ["alice"],
        ]
        for (key, value) in expected {
            #expect(values[key] == value, "\(key)")
        }
        #expect(values["aws:Referer"] == nil)

        // A key the session determines is never taken from the request's side.
        let spoofing = S3Operation(
            name: .getObject, bucket: "b", key: "k", permissions: [],
            conditionValues: ["aws:PrincipalArn": ["arn:aws:iam::123456789012:role/admin"], "jwt:SUB": ["root"], "s3:VersionId": ["v"]])
        let kept = authorizer.conditionValues(operation: spoofing, auth: auth, role: role, facts: facts)
        #expect(kept["aws:PrincipalArn"] == [role.arn])
        #expect(kept["jwt:sub"] == ["alice"])
        #expect(kept["s3:VersionId"] == ["v"])
    }
}
