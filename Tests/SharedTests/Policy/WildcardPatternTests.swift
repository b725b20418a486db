import Shared
import Testing

@Suite("Wildcard matching")
struct WildcardPatternTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var pattern: String
        var input: String
        var caseInsensitive = false
        var expected: Bool
        var testDescription: String { "\(pattern) ~ \(input) → \(expected)" }
    }

    static let cases: [Case] = [
        Case(pattern: "*", input: "", expected: true),
        Case(pattern: "*", input: "anything/at:all", expected: true),
        Case(pattern: "", input: "", expected: true),
        Case(pattern: "", input: "a", expected: false),
        Case(pattern: "abc", input: "abc", expected: true),
        Case(pattern: "abc", input: "abcd", expected: false),
        Case(pattern: "abc", input: "xabc", expected: false),
        Case(pattern: "a?c", input: "abc", expected: true),
        Case(pattern: "a?c", input: "ac", expected: false),
        Case(pattern: "a?c", input: "abbc", expected: false),
        Case(pattern: "a*c", input: "ac", expected: true),
        Case(pattern: "a*c", input: "abbbc", expected: true),
        Case(pattern: "a*c", input: "abbbcd", expected: false),
        Case(pattern: "*.txt", input: "notes.txt", expected: true),
        Case(pattern: "*.txt", input: "notes.txt.bak", expected: false),
        Case(pattern: "a*b*c", input: "aXbYbZc", expected: true),
        Case(pattern: "a*b*c", input: "aXbYbZ", expected: false),
        Case(pattern: "??", input: "é!", expected: true),  // `?` is one Unicode scalar, not one byte
        Case(pattern: "?", input: "é", expected: true),
        Case(pattern: "*é", input: "caféé", expected: true),
        Case(pattern: "ABC", input: "abc", expected: false),
        Case(pattern: "s3:Get*", input: "s3:getobject", caseInsensitive: true, expected: true),
        Case(pattern: "s3:getobject", input: "S3:GETOBJECT", caseInsensitive: true, expected: true),
        Case(pattern: "s3:GetObject", input: "s3:GetObjectTagging", caseInsensitive: true, expected: false),
        Case(pattern: "s3:*Object", input: "s3:GetObjectAcl", caseInsensitive: true, expected: false),
        Case(pattern: "alice/*", input: "bob/alice/", expected: false),
    ]

    @Test(arguments: cases)
    func matches(_ c: Case) {
        #expect(WildcardPattern(c.pattern, caseInsensitive: c.caseInsensitive).matches(c.input) == c.expected)
    }

    /// Property test: random patterns over `a`, `b`, `é`, `*`, `?` against random strings agree
    /// with a memoised reference matcher written from the IAM definition (`*` any run of
    /// characters, `?` exactly one), case-sensitively and case-insensitively.
    @Test func agreesWithAReferenceMatcher() {
        var random = SplitMix64(seed: 0x5EED_CAFE)
        let patternAlphabet: [Character] = ["a", "b", "A", "é", "*", "?", "/"]
        let inputAlphabet: [Character] = ["a", "b", "A", "B", "é", "/"]
        for _ in 0..<5_000 {
            let pattern = String((0..<Int(random.next() % 8)).map { _ in patternAlphabet[Int(random.next() % UInt64(patternAlphabet.count))] })
            let input = String((0..<Int(random.next() % 10)).map { _ in inputAlphabet[Int(random.next() % UInt64(inputAlphabet.count))] })
            for caseInsensitive in [false, true] {
                let expected = Self.reference(Array(pattern.unicodeScalars), Array(input.unicodeScalars), caseInsensitive: caseInsensitive)
                #expect(
                    WildcardPattern(pattern, caseInsensitive: caseInsensitive).matches(input) == expected,
                    "\(pattern) ~ \(input) (caseInsensitive: \(caseInsensitive))")
            }
        }
    }

    static func reference(_ pattern: [Unicode.Scalar], _ input: [Unicode.Scalar], caseInsensitive: Bool) -> Bool {
        func fold(_ s: Unicode.Scalar) -> Unicode.Scalar {
            caseInsensitive && s.isASCII && s.properties.isUppercase ? Unicode.Scalar(s.value | 0x20)! : s
        }
        var memo: [Int: Bool] = [:]
        func match(_ p: Int, _ i: Int) -> Bool {
            let key = p * 1000 + i
            if let known = memo[key] { return known }
            let result: Bool
            if p == pattern.count {
                result = i == input.count
            } else if pattern[p] == "*" {
                result = match(p + 1, i) || (i < input.count && match(p, i + 1))
            } else if i < input.count, pattern[p] == "?" || fold(pattern[p]) == fold(input[i]) {
                result = match(p + 1, i + 1)
            } else {
                result = false
            }
            memo[key] = result
            return result
        }
        return match(0, 0)
    }

    @Test func literalPiecesAreNotWildcards() {
        let pattern = WildcardPattern(pieces: [.wildcards("home/"), .literal("*"), .wildcards("/*")])
        #expect(pattern.matches("home/*/x"))
        #expect(!pattern.matches("home/bob/x"))
    }

    /// Many stars against a near miss (exponential for a backtracking matcher, which would
    /// make this test run for hours; its speed is measured in bench/, not asserted here).
    @Test func manyStarsAgainstANearMiss() {
        let pattern = WildcardPattern(String(repeating: "a*", count: 40) + "b")
        let input = String(repeating: "a", count: 5_000)
        #expect(!pattern.matches(input))
    }
}

@Suite("ARN patterns")
struct ArnPatternTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var pattern: String
        var arn: String
        var expected: Bool
        var testDescription: String { "\(pattern) ~ \(arn) → \(expected)" }
    }

    static let cases: [Case] = [
        Case(pattern: "arn:aws:s3:::data", arn: "arn:aws:s3:::data", expected: true),
        Case(pattern: "arn:aws:s3:::data", arn: "arn:aws:s3:::data-private", expected: false),
        Case(pattern: "arn:aws:s3:::b/alice/*", arn: "arn:aws:s3:::b/alice/x", expected: true),
        Case(pattern: "arn:aws:s3:::b/alice/*", arn: "other/arn:aws:s3:::b/alice/x", expected: false),
        Case(pattern: "arn:aws:s3:::b/alice/*", arn: "arn:aws:s3:::b/alice", expected: false),
        Case(pattern: "arn:aws:s3:::b/*", arn: "arn:aws:s3:::b", expected: false),  // bucket/* is not the bucket
        Case(pattern: "arn:aws:s3:::b*", arn: "arn:aws:s3:::b", expected: true),
        Case(pattern: "arn:aws:s3:::b/*", arn: "arn:aws:s3:::b/a/b:c:d", expected: true),  // keys may hold `:`
        Case(pattern: "arn:aws:s3:::b/Key", arn: "arn:aws:s3:::b/key", expected: false),  // case-sensitive
        Case(pattern: "arn:aws:s3:::*", arn: "arn:aws:s3:::any/key", expected: true),
        Case(pattern: "arn:aws:s3:*:*:b", arn: "arn:aws:s3:::b", expected: true),
        Case(pattern: "arn:aws:s3:*::b", arn: "arn:aws:s3:x:y:b", expected: false),
        Case(pattern: "arn:aws:*:*:*:b", arn: "arn:aws:s3:::b", expected: true),
        Case(pattern: "arn:aws:s3:::b?", arn: "arn:aws:s3:::b1", expected: true),
        Case(pattern: "arn:aws:s3:::b?", arn: "arn:aws:s3:::b", expected: false),
        Case(pattern: "*", arn: "arn:aws:s3:::b/k", expected: true),
        Case(pattern: "*", arn: "*", expected: true),
        Case(pattern: "arn:aws:s3:::b", arn: "arn:aws:s3::b", expected: false),  // too few segments
    ]

    @Test(arguments: cases)
    func matches(_ c: Case) throws {
        let pattern = try ArnPattern(ValueTemplate(parsing: c.pattern, variables: true), variablesOnlyInResource: true)
        #expect((pattern.match(c.arn, values: [:]) == .match) == c.expected)
    }

    @Test func starInRegionSegmentDoesNotCrossColons() throws {
        let pattern = try ArnPattern(ValueTemplate(parsing: "arn:aws:s3:*:b", variables: false), variablesOnlyInResource: false)
        // Only four colons: matched as a whole string.
        #expect(pattern.match("arn:aws:s3:x:y:b", values: [:]) == .match)
        let segmented = try ArnPattern(ValueTemplate(parsing: "arn:aws:s3:*::b", variables: false), variablesOnlyInResource: false)
        #expect(segmented.match("arn:aws:s3:x:y::b", values: [:]) == .noMatch)
    }
}

/// A small seeded generator, so property tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
