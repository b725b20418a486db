import Shared
import Testing

@Suite("Strict policy parsing")
struct PolicyParserTests {
    struct BadPolicy: Sendable, CustomTestStringConvertible {
        var json: String
        var kind: Policy.Kind = .identity
        var expected: String
        var testDescription: String { expected }
    }

    static let ok = #""Effect": "Allow", "Action": "s3:GetObject", "Resource": "*""#

    static let badPolicies: [BadPolicy] = [
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{\#(ok)}, {"Sid": "ReadOwn", "Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
            expected: #"policies/x.json: Statement[1] (Sid "ReadOwn"): Effect: must be "Allow" or "Deny", got "allow""#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resources": "*"}}"#,
            expected: #"policies/x.json: Statement[0]: Resources: unknown element (did you mean "Resource"?)"#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqual": {"aws:username": "x"}}}]}"#,
            expected: #"policies/x.json: Statement[0] (Sid "A"): Condition.StringEqual: unknown condition operator "StringEqual""#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": 5}]}"#,
            expected: "policies/x.json: Statement[0]: Resource: must be a string or an array of strings, got a number"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", 1], "Resource": "*"}]}"#,
            expected: "policies/x.json: Statement[0]: Action: array elements must be strings, got a number"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}"#,
            expected: "policies/x.json: Statement[0]: Action: a statement needs Action or NotAction"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "s3:PutObject", "Resource": "*"}]}"#,
            expected: "policies/x.json: Statement[0]: NotAction: a statement cannot have both Action and NotAction"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}"#,
            expected: "policies/x.json: Statement[0]: Resource: a statement needs Resource or NotResource"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "NotResource": "*"}]}"#,
            expected: "policies/x.json: Statement[0]: NotResource: a statement cannot have both Resource and NotResource"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": "*"}]}"#,
            expected: "policies/x.json: Statement[0]: Principal: an identity policy names no Principal"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": "*", "Resource": "*"}]}"#,
            kind: .trust,
            expected: "policies/x.json: Statement[0]: Resource: a trust policy names no Resource"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity"}]}"#,
            kind: .trust,
            expected: "policies/x.json: Statement[0]: Principal: a statement needs Principal or NotPrincipal"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federation": "x"}}]}"#,
            kind: .trust,
            expected: "policies/x.json: Statement[0]: Principal.Federation: unknown principal type"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]}"#,
            expected: #"policies/x.json: Statement[0]: Action: "GetObject" is not an action: expected "*" or "service:Name" such as "s3:GetObject""#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "bucket/*"}]}"#,
            expected: #"policies/x.json: Statement[0]: Resource: "bucket/*" is not "*" or an ARN such as "arn:aws:s3:::bucket/*""#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:${aws:region}::b"}]}"#,
            expected: #"policies/x.json: Statement[0]: Resource: policy variables are only allowed after the fifth colon of an ARN, in "arn:aws:s3:${aws:region}::b""#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:${jwt:a}:b"}]}"#,
            expected: #"policies/x.json: Statement[0]: Resource: policy variables are only allowed after the fifth colon of an ARN, in "arn:aws:s3:${jwt:a}:b""#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${jwt:sub"}]}"#,
            expected: #"policies/x.json: Statement[0]: Resource: unterminated policy variable "${jwt:sub""#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": "ten"}}}]}"#,
            expected: #"policies/x.json: Statement[0]: Condition.NumericLessThan.s3:max-keys: "ten" is not a number"#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}}]}"#,
            expected: #"policies/x.json: Statement[0]: Condition.IpAddress.aws:SourceIp: "10.0.0.0/33" is not an IP address or CIDR block"#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2024-13-01"}}}]}"#,
            expected: #"policies/x.json: Statement[0]: Condition.DateLessThan.aws:CurrentTime: "2024-13-01" is not an ISO-8601 date or epoch seconds"#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "yes"}}}]}"#,
            expected: #"policies/x.json: Statement[0]: Condition.Bool.aws:SecureTransport: "yes" is not "true" or "false""#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NullIfExists": {"k": "true"}}}]}"#,
            expected: #"policies/x.json: Statement[0]: Condition.NullIfExists: unknown condition operator "NullIfExists""#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"k": []}}}]}"#,
            expected: "policies/x.json: Statement[0]: Condition.StringEquals.k: must list at least one value"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"K": "a", "k": "b"}}}]}"#,
            expected: "policies/x.json: Statement[0]: Condition.StringEquals.k: condition key repeated (keys are case-insensitive)"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"BinaryEquals": {"k": "!!"}}}]}"#,
            expected: #"policies/x.json: Statement[0]: Condition.BinaryEquals.k: "!!" is not base64"#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Sid": 7, "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
            expected: "policies/x.json: Statement[0]: Sid: must be a string, got a number"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": ["Allow"]}"#,
            expected: "policies/x.json: Statement[0]: a statement must be an object, got a string"
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statement": [{"Sid": "A", \#(ok)}, {"Sid": "A", \#(ok)}]}"#,
            expected: #"policies/x.json: Statement[1] (Sid "A"): Sid: repeats an earlier statement's Sid"#
        ),
        BadPolicy(json: #"{"Version": "2012-10-17", "Statement": []}"#, expected: "policies/x.json: Statement: must not be empty"),
        BadPolicy(json: #"{"Version": "2012-10-17"}"#, expected: "policies/x.json: Statement: is required"),
        BadPolicy(
            json: #"{"Version": "2012-10-18", "Statement": {\#(ok)}}"#,
            expected: #"policies/x.json: Version: must be "2012-10-17" or "2008-10-17", got "2012-10-18""#
        ),
        BadPolicy(
            json: #"{"Version": "2012-10-17", "Statements": {\#(ok)}}"#,
            expected: #"policies/x.json: Statements: unknown element (did you mean "Statement"?)"#
        ),
        BadPolicy(json: "[]", expected: "policies/x.json: a policy must be a JSON object, got an array"),
        // A repeated key could otherwise flip a Deny into an Allow unnoticed.
        BadPolicy(
            json: "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Deny\",\n \"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}}",
            expected: #"policies/x.json: invalid JSON at line 2, column 2: duplicate key "Effect""#
        ),
        BadPolicy(json: #"{"Version": "2012-10-17", "Statement": {\#(ok)},}"#, expected: "policies/x.json: invalid JSON at line 1, column 103: expected a string key"),
    ]

    @Test(arguments: badPolicies)
    func rejects(_ bad: BadPolicy) {
        #expect(policyParseError(bad.json, kind: bad.kind)?.description == bad.expected)
    }

    @Test func errorCarriesStructuredFields() throws {
        let error = try #require(policyParseError(Self.badPolicies[0].json))
        #expect(error.source == "policies/x.json")
        #expect(error.statementIndex == 1)
        #expect(error.sid == "ReadOwn")
        #expect(error.field == "Effect")
    }

    @Test func acceptsTheFullGrammar() throws {
        let policy = try makeTestPolicy(
            #"""
            {
              "Version": "2012-10-17",
              "Id": "everything",
              "Statement": [
                {"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "s3:List*"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                 "Condition": {"StringLike": {"s3:prefix": ["", "home/*"]}, "NumericLessThanEquals": {"s3:max-keys": 100},
                               "Bool": {"aws:SecureTransport": true}, "ForAllValues:StringEqualsIfExists": {"s3:RequestObjectTagKeys": "team"}}},
                {"Effect": "Deny", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::b/*"}
              ]
            }
            """#
        )
        #expect(policy.id == "everything")
        #expect(policy.version == .v2012_10_17)
        #expect(policy.statements.count == 2)
        #expect(policy.statements[0].conditions.clauses.count == 4)
        #expect(policy.statements[1].effect == .deny)
    }

    @Test func singleStatementObjectAndMissingVersion() throws {
        let policy = try makeTestPolicy(#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#)
        #expect(policy.version == .v2008_10_17)
        #expect(policy.statements.count == 1)
    }

    @Test func parsesFromBytes() throws {
        let bytes = Array(#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#.utf8)
        let policy = try Policy(json: bytes, source: "bytes.json")
        #expect(policy.source == "bytes.json")
    }

    @Test(arguments: ["ForAnyValue:StringLike", "ForAllValues:NumericLessThanIfExists", "ArnNotLikeIfExists", "Null", "BinaryEquals"])
    func operatorNamesRoundTrip(_ name: String) throws {
        let parsed = try #require(ConditionOperator(parsing: name))
        #expect(parsed.description == name)
    }

    @Test(arguments: ["stringequals", "ForAnyValues:StringLike", "StringEqualsIfexists", "ForAnyValue:Null", "IfExists", ""])
    func unknownOperatorNames(_ name: String) {
        #expect(ConditionOperator(parsing: name) == nil)
    }
}
