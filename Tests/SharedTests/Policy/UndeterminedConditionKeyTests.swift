import Shared
import Testing

/// ``AuthorizationContext/undeterminedConditionKeys``: "could some request be allowed?", as
/// ListBuckets asks it of `s3:ListBucket` without an `s3:prefix`.
@Suite("Undetermined condition keys")
struct UndeterminedConditionKeyTests {
    static let open: Set<String> = ["s3:prefix", "s3:delimiter", "s3:max-keys"]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var statements: String
        var values: [String: [String]] = ["jwt:sub": ["alice"]]
        var exact: Bool
        var possibly: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no condition", statements: #"[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home"}]"#,
             exact: true, possibly: true),
        Case(name: "home prefix Allow (policies/home-prefix.json)",
             statements: #"[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringLike":{"s3:prefix":["${jwt:sub}/*","${jwt:sub}"]}}}]"#,
             exact: false, possibly: true),
        Case(name: "open key with an unrelated unmet clause still fails",
             statements: #"[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringLike":{"s3:prefix":"x/*"},"StringEquals":{"jwt:sub":"bob"}}}]"#,
             exact: false, possibly: false),
        Case(name: "delimiter and max-keys conditions",
             statements: #"[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringEquals":{"s3:delimiter":"/"},"NumericLessThanEquals":{"s3:max-keys":"100"}}}]"#,
             exact: false, possibly: true),
        Case(name: "other bucket stays hidden",
             statements: #"[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::other","Condition":{"StringLike":{"s3:prefix":"*"}}}]"#,
             exact: false, possibly: false),
        Case(name: "unconditional Deny still hides",
             statements: #"[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"},{"Effect":"Deny","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home"}]"#,
             exact: false, possibly: false),
        Case(name: "Deny outside one's prefix does not hide the bucket",
             statements: #"[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"},{"Effect":"Deny","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringNotLike":{"s3:prefix":"${jwt:sub}/*"}}}]"#,
             values: ["jwt:sub": ["alice"]], exact: false, possibly: true),
        Case(name: "Deny on a determined key still applies",
             statements: #"[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"},{"Effect":"Deny","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEquals":{"jwt:sub":"alice"}}}]"#,
             exact: false, possibly: false),
        Case(name: "a key not declared open is read as usual (missing → unmet)",
             statements: #"[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringEquals":{"s3:ExistingObjectTag/x":"y"}}}]"#,
             exact: false, possibly: false),
        Case(name: "a value given for an open key is used, not assumed",
             statements: #"[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringLike":{"s3:prefix":"alice/*"}}}]"#,
             values: ["s3:prefix": ["bob/"]], exact: false, possibly: false),
        Case(name: "keys compare case-insensitively",
             statements: #"[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringLike":{"S3:Prefix":"alice/*"}}}]"#,
             exact: false, possibly: true),
    ]

    @Test(arguments: cases)
    func possiblyAllowed(_ c: Case) throws {
        let policy = try makeStatementPolicy(c.statements)
        var context = AuthorizationContext(
            action: "s3:ListBucket", resource: "arn:aws:s3:::home", conditionValues: ConditionValues(c.values))
        #expect(PolicyEvaluator(rolePolicies: [policy]).evaluate(context).isAllowed == c.exact)
        context.undeterminedConditionKeys = Self.open
        #expect(PolicyEvaluator(rolePolicies: [policy]).evaluate(context).isAllowed == c.possibly)
    }

    @Test func sessionPolicyMustAlsoPossiblyAllow() throws {
        let role = try makeStatementPolicy(#"[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]"#)
        let narrowing = try makeStatementPolicy(
            #"[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringLike":{"s3:prefix":"alice/*"}}}]"#)
        var context = AuthorizationContext(action: "s3:ListBucket", resource: "arn:aws:s3:::home")
        context.undeterminedConditionKeys = Self.open
        #expect(PolicyEvaluator(rolePolicies: [role], sessionPolicies: [narrowing]).evaluate(context).isAllowed)
        context.requests = [AccessRequest(action: "s3:ListBucket", resource: "arn:aws:s3:::other")]
        #expect(!PolicyEvaluator(rolePolicies: [role], sessionPolicies: [narrowing]).evaluate(context).isAllowed)
    }
}
