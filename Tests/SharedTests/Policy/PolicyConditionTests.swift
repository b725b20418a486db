import Shared
import Testing

@Suite("Condition operators")
struct PolicyConditionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var condition: String
        var values: [String: [String]]
        var expected: Bool
        var testDescription: String { "\(condition) with \(values) → \(expected)" }

        init(_ condition: String, _ values: [String: [String]], _ expected: Bool) {
            self.condition = condition
            self.values = values
            self.expected = expected
        }
    }

    static func check(_ c: Case) throws {
        let policy = try makeStatementPolicy(#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": \#(c.condition)}"#)
        #expect(policyDecision([policy], "s3:GetObject", "arn:aws:s3:::b/k", ConditionValues(c.values)).isAllowed == c.expected)
    }

    static let stringCases: [Case] = [
        Case(#"{"StringEquals": {"k": "a"}}"#, ["k": ["a"]], true),
        Case(#"{"StringEquals": {"k": "a"}}"#, ["k": ["A"]], false),
        Case(#"{"StringEquals": {"k": "a"}}"#, ["K": ["a"]], true),  // key names ignore case
        Case(#"{"StringEquals": {"K": "a"}}"#, ["k": ["a"]], true),
        Case(#"{"StringEquals": {"k": "a"}}"#, [:], false),  // missing key: positive is false
        Case(#"{"StringEquals": {"k": "a"}}"#, ["k": []], false),  // empty counts as missing
        Case(#"{"StringEquals": {"k": ["x", "a"]}}"#, ["k": ["a"]], true),  // OR across values
        Case(#"{"StringEquals": {"k": "a"}}"#, ["k": ["b", "a"]], true),
        Case(#"{"StringNotEquals": {"k": ["a", "b"]}}"#, ["k": ["c"]], true),
        Case(#"{"StringNotEquals": {"k": ["a", "b"]}}"#, ["k": ["b"]], false),  // must match none
        Case(#"{"StringNotEquals": {"k": ["a", "b"]}}"#, [:], true),  // missing key: negated is true
        Case(#"{"StringNotEquals": {"k": "a"}}"#, ["k": ["b", "a"]], false),
        Case(#"{"StringEqualsIgnoreCase": {"k": "Abc"}}"#, ["k": ["aBC"]], true),
        Case(#"{"StringEqualsIgnoreCase": {"k": "Abc"}}"#, ["k": ["abd"]], false),
        Case(#"{"StringNotEqualsIgnoreCase": {"k": "abc"}}"#, ["k": ["ABC"]], false),
        Case(#"{"StringNotEqualsIgnoreCase": {"k": "abc"}}"#, ["k": ["x"]], true),
        Case(#"{"StringLike": {"s3:prefix": "home/*"}}"#, ["s3:prefix": ["home/alice/"]], true),
        Case(#"{"StringLike": {"s3:prefix": "alice/*"}}"#, ["s3:prefix": ["bob/alice/"]], false),  // anchored
        Case(#"{"StringLike": {"s3:prefix": "home/*"}}"#, ["s3:prefix": ["home"]], false),
        Case(#"{"StringLike": {"s3:prefix": ["", "home/*"]}}"#, ["s3:prefix": [""]], true),
        Case(#"{"StringLike": {"k": "a?c"}}"#, ["k": ["abc"]], true),
        Case(#"{"StringLike": {"k": "A*"}}"#, ["k": ["abc"]], false),  // case-sensitive
        Case(#"{"StringNotLike": {"k": ["a*", "b*"]}}"#, ["k": ["c"]], true),
        Case(#"{"StringNotLike": {"k": ["a*", "b*"]}}"#, ["k": ["bx"]], false),
        Case(#"{"StringNotLike": {"k": "a*"}}"#, [:], true),
        // Keys and operators are AND'ed.
        Case(#"{"StringEquals": {"k": "a", "j": "b"}}"#, ["k": ["a"], "j": ["b"]], true),
        Case(#"{"StringEquals": {"k": "a", "j": "b"}}"#, ["k": ["a"], "j": ["x"]], false),
        Case(#"{"StringEquals": {"k": "a"}, "StringLike": {"j": "b*"}}"#, ["k": ["a"], "j": ["bb"]], true),
        Case(#"{"StringEquals": {"k": "a"}, "StringLike": {"j": "b*"}}"#, ["k": ["a"], "j": ["cb"]], false),
    ]

    @Test(arguments: stringCases) func string(_ c: Case) throws { try Self.check(c) }

    static let numericCases: [Case] = [
        Case(#"{"NumericEquals": {"n": "10"}}"#, ["n": ["10"]], true),
        Case(#"{"NumericEquals": {"n": 10}}"#, ["n": ["10.0"]], true),
        Case(#"{"NumericEquals": {"n": "10"}}"#, ["n": ["11"]], false),
        Case(#"{"NumericEquals": {"n": "10"}}"#, ["n": ["ten"]], false),
        Case(#"{"NumericEquals": {"n": "10"}}"#, ["n": ["inf"]], false),
        Case(#"{"NumericNotEquals": {"n": "10"}}"#, ["n": ["11"]], true),
        Case(#"{"NumericNotEquals": {"n": "10"}}"#, ["n": ["10"]], false),
        Case(#"{"NumericNotEquals": {"n": "10"}}"#, ["n": ["ten"]], false),  // unreadable: neither
        Case(#"{"NumericNotEquals": {"n": "10"}}"#, [:], true),
        Case(#"{"NumericLessThan": {"n": 10}}"#, ["n": ["9.5"]], true),
        Case(#"{"NumericLessThan": {"n": 10}}"#, ["n": ["10"]], false),
        Case(#"{"NumericLessThanEquals": {"n": 10}}"#, ["n": ["10"]], true),
        Case(#"{"NumericLessThanEquals": {"n": 10}}"#, ["n": ["11"]], false),
        Case(#"{"NumericGreaterThan": {"n": -1}}"#, ["n": ["0"]], true),
        Case(#"{"NumericGreaterThan": {"n": 10}}"#, ["n": ["10"]], false),
        Case(#"{"NumericGreaterThanEquals": {"n": "1e1"}}"#, ["n": ["10"]], true),
        Case(#"{"NumericGreaterThanEquals": {"n": 10}}"#, ["n": ["9"]], false),
        Case(#"{"NumericLessThan": {"n": 10}}"#, [:], false),
        Case(#"{"NumericLessThanIfExists": {"n": 10}}"#, [:], true),
        Case(#"{"NumericLessThanIfExists": {"n": 10}}"#, ["n": ["20"]], false),
    ]

    @Test(arguments: numericCases) func numeric(_ c: Case) throws { try Self.check(c) }

    static let dateCases: [Case] = [
        Case(#"{"DateLessThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["2023-12-31T23:59:59Z"]], true),
        Case(#"{"DateLessThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["2024-01-01T00:00:00Z"]], false),
        Case(#"{"DateLessThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["1704067199"]], true),
        Case(#"{"DateLessThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["2024-01-01T00:30:00+01:00"]], true),
        Case(#"{"DateLessThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["not a date"]], false),
        Case(#"{"DateLessThanEquals": {"t": "2024-01-01T00:00:00Z"}}"#, ["t": ["2024-01-01T00:00:00.000Z"]], true),
        Case(#"{"DateGreaterThanEquals": {"t": 1704067200}}"#, ["t": ["2024-01-01T00:00:00Z"]], true),
        Case(#"{"DateGreaterThan": {"t": "1704067200"}}"#, ["t": ["2024-01-01T00:00:00Z"]], false),
        Case(#"{"DateGreaterThan": {"t": "2023-06-30T12:00:00-05:00"}}"#, ["t": ["2023-06-30T17:00:01Z"]], true),
        Case(#"{"DateEquals": {"t": "2024-02-29"}}"#, ["t": ["2024-02-29T00:00:00Z"]], true),
        Case(#"{"DateNotEquals": {"t": "2024-02-29"}}"#, ["t": ["2024-03-01"]], true),
        Case(#"{"DateNotEquals": {"t": "2024-02-29"}}"#, [:], true),
        Case(#"{"DateEqualsIfExists": {"t": "2024-02-29"}}"#, [:], true),
    ]

    @Test(arguments: dateCases) func date(_ c: Case) throws { try Self.check(c) }

    static let otherCases: [Case] = [
        Case(#"{"Bool": {"aws:SecureTransport": "true"}}"#, ["aws:SecureTransport": ["true"]], true),
        Case(#"{"Bool": {"aws:SecureTransport": true}}"#, ["aws:SecureTransport": ["TRUE"]], true),
        Case(#"{"Bool": {"aws:SecureTransport": "true"}}"#, ["aws:SecureTransport": ["false"]], false),
        Case(#"{"Bool": {"aws:SecureTransport": "true"}}"#, ["aws:SecureTransport": ["maybe"]], false),
        Case(#"{"Bool": {"aws:SecureTransport": "true"}}"#, [:], false),
        Case(#"{"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}"#, [:], true),
        Case(#"{"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}"#, ["aws:MultiFactorAuthPresent": ["true"]], false),
        Case(#"{"BinaryEquals": {"b": "aGVsbG8="}}"#, ["b": ["aGVsbG8="]], true),
        Case(#"{"BinaryEquals": {"b": "aGVsbG8="}}"#, ["b": ["aGVsbG8"]], true),
        Case(#"{"BinaryEquals": {"b": "aGVsbG8="}}"#, ["b": ["d29ybGQ="]], false),
        Case(#"{"BinaryEquals": {"b": "aGVsbG8="}}"#, ["b": ["%%%"]], false),
        Case(#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, ["aws:SourceIp": ["10.200.3.4"]], true),
        Case(#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, ["aws:SourceIp": ["11.0.0.1"]], false),
        Case(#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, ["aws:SourceIp": ["::ffff:10.0.0.1"]], true),
        Case(#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, ["aws:SourceIp": ["garbage"]], false),
        Case(#"{"IpAddress": {"aws:SourceIp": "203.0.113.7"}}"#, ["aws:SourceIp": ["203.0.113.7"]], true),
        Case(#"{"IpAddress": {"aws:SourceIp": "203.0.113.7"}}"#, ["aws:SourceIp": ["203.0.113.8"]], false),
        Case(#"{"IpAddress": {"aws:SourceIp": "192.168.1.1/24"}}"#, ["aws:SourceIp": ["192.168.1.200"]], true),
        Case(#"{"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}"#, ["aws:SourceIp": ["2001:db8:0:1::5"]], true),
        Case(#"{"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}"#, ["aws:SourceIp": ["2001:db9::1"]], false),
        Case(#"{"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}"#, ["aws:SourceIp": ["10.0.0.1"]], false),
        Case(#"{"IpAddress": {"aws:SourceIp": "::1"}}"#, ["aws:SourceIp": ["0:0:0:0:0:0:0:1"]], true),
        Case(#"{"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}"#, ["aws:SourceIp": ["8.8.8.8"]], true),
        Case(#"{"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}"#, ["aws:SourceIp": ["192.168.4.4"]], false),
        Case(#"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, ["aws:SourceIp": ["garbage"]], false),
        Case(#"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, [:], true),
        Case(#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/dev-*"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::123:role/dev-x"]], true),
        Case(#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/dev-*"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::123:role/prod"]], false),
        Case(#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/dev-*"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::1:2:role/dev-x"]], false),
        Case(#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/dev-*"}}"#, ["aws:PrincipalArn": ["role/dev-x"]], false),
        Case(#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123:role/dev"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::123:role/dev"]], true),
        Case(#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123:role/dev"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::123:role/Dev"]], false),
        Case(#"{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/dev-*"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::1:role/prod"]], true),
        Case(#"{"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/a"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::1:role/a"]], false),
        Case(#"{"ArnNotEqualsIfExists": {"aws:PrincipalArn": "arn:aws:iam::1:role/a"}}"#, [:], true),
        Case(#"{"Null": {"k": "true"}}"#, [:], true),
        Case(#"{"Null": {"k": "true"}}"#, ["k": []], true),
        Case(#"{"Null": {"k": "true"}}"#, ["k": ["v"]], false),
        Case(#"{"Null": {"k": "false"}}"#, ["k": ["v"]], true),
        Case(#"{"Null": {"k": false}}"#, [:], false),
        Case(#"{"StringEqualsIfExists": {"k": "a"}}"#, [:], true),
        Case(#"{"StringEqualsIfExists": {"k": "a"}}"#, ["k": ["a"]], true),
        Case(#"{"StringEqualsIfExists": {"k": "a"}}"#, ["k": ["b"]], false),
        Case(#"{"StringNotLikeIfExists": {"k": "a*"}}"#, ["k": ["ab"]], false),
    ]

    @Test(arguments: otherCases) func otherFamilies(_ c: Case) throws { try Self.check(c) }

    static let setCases: [Case] = [
        Case(#"{"ForAnyValue:StringEquals": {"tags": ["a", "b"]}}"#, ["tags": ["c", "a"]], true),
        Case(#"{"ForAnyValue:StringEquals": {"tags": ["a", "b"]}}"#, ["tags": ["c"]], false),
        Case(#"{"ForAnyValue:StringEquals": {"tags": ["a", "b"]}}"#, [:], false),  // missing: false
        Case(#"{"ForAnyValue:StringEquals": {"tags": ["a", "b"]}}"#, ["tags": []], false),  // empty: false
        Case(#"{"ForAllValues:StringEquals": {"tags": ["a", "b"]}}"#, ["tags": ["a", "b"]], true),
        Case(#"{"ForAllValues:StringEquals": {"tags": ["a", "b"]}}"#, ["tags": ["a", "c"]], false),
        Case(#"{"ForAllValues:StringEquals": {"tags": ["a", "b"]}}"#, [:], true),  // missing: true (!)
        Case(#"{"ForAllValues:StringEquals": {"tags": ["a", "b"]}}"#, ["tags": []], true),
        // The documented guard: ForAllValues plus Null false.
        Case(#"{"ForAllValues:StringEquals": {"tags": ["a"]}, "Null": {"tags": "false"}}"#, [:], false),
        Case(#"{"ForAnyValue:StringNotEquals": {"tags": "a"}}"#, ["tags": ["a", "b"]], true),
        Case(#"{"ForAnyValue:StringNotEquals": {"tags": "a"}}"#, ["tags": ["a"]], false),
        Case(#"{"ForAnyValue:StringNotEquals": {"tags": "a"}}"#, [:], false),
        Case(#"{"ForAllValues:StringNotEquals": {"tags": "a"}}"#, ["tags": ["b", "c"]], true),
        Case(#"{"ForAllValues:StringNotEquals": {"tags": "a"}}"#, ["tags": ["b", "a"]], false),
        Case(#"{"ForAllValues:StringNotEquals": {"tags": "a"}}"#, [:], true),
        Case(#"{"ForAnyValue:StringLike": {"tags": "team-*"}}"#, ["tags": ["x", "team-1"]], true),
        Case(#"{"ForAllValues:StringLike": {"tags": "team-*"}}"#, ["tags": ["x", "team-1"]], false),
        Case(#"{"ForAnyValue:StringEqualsIfExists": {"tags": "a"}}"#, [:], true),
        Case(#"{"ForAllValues:NumericLessThan": {"n": 10}}"#, ["n": ["1", "9"]], true),
        Case(#"{"ForAllValues:NumericLessThan": {"n": 10}}"#, ["n": ["1", "19"]], false),
        Case(#"{"ForAnyValue:IpAddress": {"ips": "10.0.0.0/8"}}"#, ["ips": ["1.1.1.1", "10.0.0.1"]], true),
    ]

    @Test(arguments: setCases) func setQualifiers(_ c: Case) throws { try Self.check(c) }

    @Test(arguments: [
        ("2024-01-01", 1_704_067_200.0),
        ("2024-01-01T00:00Z", 1_704_067_200),
        ("2024-01-01T01:00:00+01:00", 1_704_067_200),
        ("2024-01-01T01:00:00+0100", 1_704_067_200),
        ("1970-01-01T00:00:00.5Z", 0.5),
        ("1704067200", 1_704_067_200),
        ("2000-02-29T12:00:00Z", 951_825_600),
    ])
    func parsesDates(_ text: String, _ expected: Double) {
        #expect(PolicyDate.parse(text) == expected)
    }

    @Test(arguments: ["2023-02-29", "2024-1-01", "2024-01-01T25:00:00Z", "2024-01-01Tfoo", "", "12ab", "2024-01-01T00:00:00Zjunk"])
    func rejectsDates(_ text: String) {
        #expect(PolicyDate.parse(text) == nil)
    }

    @Test(arguments: [
        ("::", "::/0", true), ("1::", "1::/16", true), ("::ffff:192.0.2.1", "192.0.2.0/24", true),
        ("2001:DB8::1", "2001:db8::/32", true), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", true),
        ("1:2:3:4:5:6:7:9", "1:2:3:4:5:6:7:8", false), ("::1", "::/128", false), ("10.0.0.1", "0.0.0.0/0", true),
        ("64:ff9b::192.0.2.33", "64:ff9b::/96", true),
    ])
    func ipMembership(_ address: String, _ cidr: String, _ expected: Bool) throws {
        let range = try #require(IPAddressRange(cidr))
        #expect(range.contains(address) == expected)
    }

    @Test(arguments: ["1.2.3", "256.0.0.1", "1.2.3.4.5", "1..2.3", ":1::", "1:", "12345::", "::1:2:3:4:5:6:7:8", "1.2.3.4/", "::1::", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "2001:db8::/129", "a.b.c.d"])
    func rejectsAddresses(_ text: String) {
        #expect(IPAddressRange(text) == nil)
    }
}
