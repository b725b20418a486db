import Testing

@testable import S3Server

/// S3's conditional request precedence, row by row (GetObject's documented combinations included).
@Suite struct PreconditionsTests {
    static let etag = "\"abc\""
    static let modified: Int64 = 1_700_000_000

    struct Case: Sendable, CustomTestStringConvertible {
        var conditions: Preconditions
        var expected: Preconditions.Outcome
        var testDescription: String
    }

    static let cases: [Case] = [
        Case(conditions: .init(), expected: .proceed, testDescription: "no conditions"),
        Case(conditions: .init(ifMatch: "\"abc\""), expected: .proceed, testDescription: "If-Match hit"),
        Case(conditions: .init(ifMatch: "abc"), expected: .proceed, testDescription: "If-Match without quotes"),
        Case(conditions: .init(ifMatch: "\"x\", \"abc\""), expected: .proceed, testDescription: "If-Match list"),
        Case(conditions: .init(ifMatch: "*"), expected: .proceed, testDescription: "If-Match star"),
        Case(conditions: .init(ifMatch: "\"x\""), expected: .failed(condition: "If-Match"), testDescription: "If-Match miss"),
        Case(conditions: .init(ifNoneMatch: "\"abc\""), expected: .notModified(condition: "If-None-Match"), testDescription: "If-None-Match hit"),
        Case(conditions: .init(ifNoneMatch: "W/\"abc\""), expected: .notModified(condition: "If-None-Match"), testDescription: "weak tag"),
        Case(conditions: .init(ifNoneMatch: "\"x\""), expected: .proceed, testDescription: "If-None-Match miss"),
        Case(conditions: .init(ifModifiedSince: modified), expected: .notModified(condition: "If-Modified-Since"), testDescription: "not modified since"),
        Case(conditions: .init(ifModifiedSince: modified - 1), expected: .proceed, testDescription: "modified since"),
        Case(conditions: .init(ifUnmodifiedSince: modified - 1), expected: .failed(condition: "If-Unmodified-Since"), testDescription: "modified after"),
        Case(conditions: .init(ifUnmodifiedSince: modified), expected: .proceed, testDescription: "unmodified since"),
        // S3: If-Match true and If-Unmodified-Since false → 200.
        Case(conditions: .init(ifMatch: "\"abc\"", ifUnmodifiedSince: modified - 1), expected: .proceed, testDescription: "If-Match wins"),
        // S3: If-None-Match false (tag matches) and If-Modified-Since true → 304.
        Case(conditions: .init(ifNoneMatch: "\"abc\"", ifModifiedSince: modified - 1), expected: .notModified(condition: "If-None-Match"),
             testDescription: "If-None-Match wins (304)"),
        // If-None-Match true (no match) overrides a not-modified date: 200.
        Case(conditions: .init(ifNoneMatch: "\"x\"", ifModifiedSince: modified), expected: .proceed, testDescription: "If-None-Match wins (200)"),
    ]

    @Test(arguments: cases)
    func evaluates(_ c: Case) {
        #expect(c.conditions.evaluate(etag: Self.etag, lastModified: Self.modified) == c.expected)
    }

    @Test func missingObjectFailsIfMatchAndPassesIfNoneMatchStar() {
        #expect(Preconditions(ifMatch: "*").evaluate(etag: nil, lastModified: nil) == .failed(condition: "If-Match"))
        #expect(Preconditions(ifNoneMatch: "*").evaluate(etag: nil, lastModified: nil) == .proceed)
        #expect(Preconditions(ifNoneMatch: "*").evaluate(etag: Self.etag, lastModified: nil) == .notModified(condition: "If-None-Match"))
    }
}
