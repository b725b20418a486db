import Shared
import Testing

@Suite("Policy variables")
struct PolicyVariableTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var resourcePattern: String
        var values: [String: [String]]
        var resource: String
        var expected: Bool
        var version = "2012-10-17"
        var testDescription: String { "\(resourcePattern) \(values) ~ \(resource) → \(expected)" }
    }

    static let resourceCases: [Case] = [
        Case(resourcePattern: "arn:aws:s3:::b/${aws:username}/*", values: ["aws:username": ["alice"]], resource: "arn:aws:s3:::b/alice/x", expected: true),
        Case(resourcePattern: "arn:aws:s3:::b/${aws:username}/*", values: ["aws:username": ["alice"]], resource: "arn:aws:s3:::b/bob/x", expected: false),
        Case(resourcePattern: "arn:aws:s3:::b/${AWS:UserName}/*", values: ["aws:username": ["alice"]], resource: "arn:aws:s3:::b/alice/x", expected: true),
        Case(resourcePattern: "arn:aws:s3:::b/${jwt:sub}/*", values: ["jwt:sub": ["u-123"]], resource: "arn:aws:s3:::b/u-123/f", expected: true),
        Case(resourcePattern: "arn:aws:s3:::b/${aws:PrincipalTag/team}/*", values: ["aws:PrincipalTag/team": ["red"]], resource: "arn:aws:s3:::b/red/f", expected: true),
        // A resolved value is literal: `*` and `?` in it are not wildcards.
        Case(resourcePattern: "arn:aws:s3:::b/${jwt:sub}/*", values: ["jwt:sub": ["*"]], resource: "arn:aws:s3:::b/bob/x", expected: false),
        Case(resourcePattern: "arn:aws:s3:::b/${jwt:sub}/*", values: ["jwt:sub": ["*"]], resource: "arn:aws:s3:::b/*/x", expected: true),
        Case(resourcePattern: "arn:aws:s3:::b/${jwt:sub}", values: ["jwt:sub": ["a?"]], resource: "arn:aws:s3:::b/ab", expected: false),
        // Unresolvable: missing, empty or multi-valued keys match nothing.
        Case(resourcePattern: "arn:aws:s3:::b/${jwt:sub}/*", values: [:], resource: "arn:aws:s3:::b//x", expected: false),
        Case(resourcePattern: "arn:aws:s3:::b/${jwt:sub}/*", values: ["jwt:sub": []], resource: "arn:aws:s3:::b//x", expected: false),
        Case(resourcePattern: "arn:aws:s3:::b/${jwt:groups}/*", values: ["jwt:groups": ["a", "b"]], resource: "arn:aws:s3:::b/a/x", expected: false),
        Case(resourcePattern: "*", values: [:], resource: "arn:aws:s3:::b/x", expected: true),
        // Defaults.
        Case(resourcePattern: "arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}/*", values: [:], resource: "arn:aws:s3:::b/none/x", expected: true),
        Case(resourcePattern: "arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}/*", values: ["aws:PrincipalTag/team": ["red"]], resource: "arn:aws:s3:::b/red/x", expected: true),
        Case(resourcePattern: "arn:aws:s3:::b/${aws:PrincipalTag/team,'none'}/*", values: ["aws:PrincipalTag/team": ["red"]], resource: "arn:aws:s3:::b/none/x", expected: false),
        // Escapes.
        Case(resourcePattern: "arn:aws:s3:::b/${*}", values: [:], resource: "arn:aws:s3:::b/*", expected: true),
        Case(resourcePattern: "arn:aws:s3:::b/${*}", values: [:], resource: "arn:aws:s3:::b/x", expected: false),
        Case(resourcePattern: "arn:aws:s3:::b/${?}", values: [:], resource: "arn:aws:s3:::b/x", expected: false),
        Case(resourcePattern: "arn:aws:s3:::b/${?}", values: [:], resource: "arn:aws:s3:::b/?", expected: true),
        Case(resourcePattern: "arn:aws:s3:::b/${$}{x}", values: [:], resource: "arn:aws:s3:::b/${x}", expected: true),
        // Variables contain colons; splitting must not be confused.
        Case(resourcePattern: "arn:aws:s3:::${jwt:bucket}/*", values: ["jwt:bucket": ["data"]], resource: "arn:aws:s3:::data/k", expected: true),
        // Without Version 2012-10-17, `${…}` is literal text.
        Case(resourcePattern: "arn:aws:s3:::b/${aws:username}", values: ["aws:username": ["alice"]], resource: "arn:aws:s3:::b/alice", expected: false, version: "2008-10-17"),
        Case(resourcePattern: "arn:aws:s3:::b/${aws:username}", values: ["aws:username": ["alice"]], resource: "arn:aws:s3:::b/${aws:username}", expected: true, version: "2008-10-17"),
    ]

    @Test(arguments: resourceCases)
    func resources(_ c: Case) throws {
        let policy = try makeStatementPolicy(#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "\#(c.resourcePattern)"}"#, version: c.version)
        #expect(policyDecision([policy], "s3:GetObject", c.resource, ConditionValues(c.values)).isAllowed == c.expected)
    }

    struct ConditionCase: Sendable, CustomTestStringConvertible {
        var condition: String
        var values: [String: [String]]
        var expected: Bool
        var testDescription: String { "\(condition) \(values) → \(expected)" }
        init(_ condition: String, _ values: [String: [String]], _ expected: Bool) {
            self.condition = condition
            self.values = values
            self.expected = expected
        }
    }

    static let conditionCases: [ConditionCase] = [
        ConditionCase(#"{"StringEquals": {"s3:prefix": "${jwt:sub}/"}}"#, ["jwt:sub": ["alice"], "s3:prefix": ["alice/"]], true),
        ConditionCase(#"{"StringEquals": {"s3:prefix": "${jwt:sub}/"}}"#, ["jwt:sub": ["alice"], "s3:prefix": ["bob/"]], false),
        ConditionCase(#"{"StringEqualsIgnoreCase": {"s3:prefix": "${jwt:sub}/"}}"#, ["jwt:sub": ["Alice"], "s3:prefix": ["ALICE/"]], true),
        ConditionCase(#"{"StringLike": {"s3:prefix": "${jwt:sub}/*"}}"#, ["jwt:sub": ["alice"], "s3:prefix": ["alice/docs/"]], true),
        ConditionCase(#"{"StringLike": {"s3:prefix": "${jwt:sub}/*"}}"#, ["jwt:sub": ["*"], "s3:prefix": ["bob/docs/"]], false),
        ConditionCase(#"{"StringLike": {"s3:prefix": "${jwt:sub}/*"}}"#, ["jwt:sub": ["*"], "s3:prefix": ["*/docs/"]], true),
        // Unresolvable: a positive condition is false, a negated one true.
        ConditionCase(#"{"StringEquals": {"s3:prefix": "${jwt:sub}/"}}"#, ["s3:prefix": ["/"]], false),
        ConditionCase(#"{"StringLike": {"s3:prefix": "${jwt:sub}*"}}"#, ["s3:prefix": ["x"]], false),
        ConditionCase(#"{"StringNotEquals": {"s3:prefix": "${jwt:sub}/"}}"#, ["s3:prefix": ["/"]], true),
        ConditionCase(#"{"StringNotLike": {"s3:prefix": "${jwt:sub}*"}}"#, ["s3:prefix": ["x"]], true),
        ConditionCase(#"{"StringEquals": {"team": "${aws:PrincipalTag/team, 'none'}"}}"#, ["team": ["none"]], true),
        ConditionCase(#"{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::${jwt:sub}-*"}}"#, ["jwt:sub": ["alice"], "aws:SourceArn": ["arn:aws:s3:::alice-logs"]], true),
        ConditionCase(#"{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::${jwt:sub}-*"}}"#, ["jwt:sub": ["bob"], "aws:SourceArn": ["arn:aws:s3:::alice-logs"]], false),
        ConditionCase(#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:role/x"}}"#, ["aws:PrincipalAccount": ["123"], "aws:PrincipalArn": ["arn:aws:iam::123:role/x"]], true),
    ]

    @Test(arguments: conditionCases)
    func conditions(_ c: ConditionCase) throws {
        let policy = try makeStatementPolicy(#"{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": \#(c.condition)}"#)
        #expect(policyDecision([policy], "s3:ListBucket", "arn:aws:s3:::b", ConditionValues(c.values)).isAllowed == c.expected)
    }

    @Test func variablesAreNotParsedInOtherOperators() {
        let error = policyParseError(#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": "${jwt:limit}"}}}}"#)
        #expect(error?.description == #"policies/x.json: Statement[0]: Condition.NumericLessThan.s3:max-keys: "${jwt:limit}" is not a number"#)
    }

    @Test(arguments: [
        (#"${jwt:sub, none}"#, #"the default in "${jwt:sub, none}" must be in single quotes"#),
        (#"${}"#, #"invalid policy variable "${}""#),
        (#"${a b}"#, #"invalid policy variable "${a b}""#),
    ])
    func malformedVariables(_ text: String, _ message: String) {
        #expect(throws: TemplateSyntaxError(message: message)) { try ValueTemplate(parsing: text, variables: true) }
    }

    /// An unresolvable variable under `NotResource` cannot be decided; it fails closed both ways.
    @Test func unresolvableNotResourceFailsClosed() throws {
        let allow = try makeStatementPolicy(#"{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/${jwt:sub}/*"}"#)
        #expect(!policyDecision([allow], "s3:GetObject", "arn:aws:s3:::b/x/y").isAllowed)
        #expect(policyDecision([allow], "s3:GetObject", "arn:aws:s3:::b/x/y", ["jwt:sub": ["alice"]]).isAllowed)
        let allowAll = try makeStatementPolicy(#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#)
        let deny = try makeStatementPolicy(#"{"Effect": "Deny", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/${jwt:sub}/*"}"#)
        #expect(!policyDecision([allowAll, deny], "s3:GetObject", "arn:aws:s3:::b/x/y").isAllowed)
        #expect(policyDecision([allowAll, deny], "s3:GetObject", "arn:aws:s3:::b/alice/y", ["jwt:sub": ["alice"]]).isAllowed)
    }
}
