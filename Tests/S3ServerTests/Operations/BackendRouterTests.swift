import HTTPTypes
import Hummingbird
import Testing

@testable import S3Server

/// A backend that only has a name: routing decisions are all these tests look at.
private struct NamedBackend: S3Backend {
    let name: String
    func handle(_ request: BackendRequest, body: BackendRequestBody) async throws -> BackendResponse { BackendResponse(status: .ok) }
    func deleteObjects(
        bucket: String, objects: [DeleteObjectsRequest.Object], request: BackendRequest
    ) async throws -> [DeleteObjectsResult.Entry] { [] }
    func listBuckets() async throws -> [BucketSummary] { [] }
}

@Suite struct BackendRouterTests {
    /// eu: team-a renamed and prefixed, proj-* renamed by template, only for eu-central-1.
    /// any: logs-* and data, any region. fallback: the default.
    static let router = BackendRouter(
        routes: [
            .init(
                buckets: [
                    BucketRoute(pattern: "team-a", backendBucket: "corp-team-a", keyPrefix: "portcullis/"),
                    BucketRoute(pattern: "proj-*", backendBucket: "corp-*-eu"),
                ],
                regions: ["eu-central-1"], backend: NamedBackend(name: "eu")),
            .init(patterns: ["logs-*", "data"], backend: NamedBackend(name: "any")),
            .init(buckets: [BucketRoute(pattern: "team-a", keyPrefix: "us/")], regions: ["us-east-1"], backend: NamedBackend(name: "us")),
        ],
        defaultBackend: NamedBackend(name: "fallback"))

    static let withoutDefault = BackendRouter(routes: [.init(patterns: ["logs-*"], backend: NamedBackend(name: "any"))])

    @Test(arguments: [
        // bucket, region, backend, backend bucket, key prefix
        ("team-a", "eu-central-1", "eu", "corp-team-a", "portcullis/"),
        ("team-a", "us-east-1", "us", "team-a", "us/"),
        ("team-a", "ap-south-1", "fallback", "team-a", ""),
        ("team-a", nil, "fallback", "team-a", ""),
        ("proj-x1", "eu-central-1", "eu", "corp-x1-eu", ""),
        ("proj-", "eu-central-1", "eu", "corp--eu", ""),
        ("proj-x1", "us-east-1", "fallback", "proj-x1", ""),
        ("logs-2024", "eu-central-1", "any", "logs-2024", ""),
        ("logs-2024", nil, "any", "logs-2024", ""),
        ("data", "us-east-1", "any", "data", ""),
        ("data2", "us-east-1", "fallback", "data2", ""),
        ("xlogs-1", "us-east-1", "fallback", "xlogs-1", ""),
    ] as [(String, String?, String, String, String)])
    func routes(bucket: String, region: String?, backend: String, backendBucket: String, keyPrefix: String) throws {
        let routed = try #require(Self.router.route(bucket: bucket, region: region))
        #expect(routed.backend.name == backend)
        #expect(routed.mapping == BucketMapping(clientBucket: bucket, backendBucket: backendBucket, keyPrefix: keyPrefix))
    }

    @Test func unroutableBucketHasNoBackend() {
        #expect(Self.withoutDefault.route(bucket: "data", region: "us-east-1") == nil)
        #expect(Self.withoutDefault.route(bucket: "logs-1", region: nil)?.backend.name == "any")
    }

    @Test func everyBackendIsListedOnce() {
        #expect(Self.router.backends.map(\.name) == ["eu", "any", "us", "fallback"])
    }

    @Test(arguments: [
        ("*", "anything", true), ("data-*", "data-1", true), ("data-*", "xdata-1", false), ("data", "data-private", false),
        ("a?c", "abc", true), ("a?c", "ac", false), ("*-logs", "x-logs", true), ("a*b*c", "axxbyyc", true), ("a*b*c", "axxbyy", false),
    ])
    func globs(pattern: String, name: String, matches: Bool) {
        #expect(BucketPattern(pattern).matches(name) == matches)
    }

    @Test(arguments: [("proj-*", "proj-abc", "abc"), ("*-eu", "x-eu", "x"), ("a*z", "az", ""), ("a*z", "abz", "b")])
    func starMatch(pattern: String, name: String, matched: String) {
        #expect(BucketPattern(pattern).starMatch(name).map(String.init) == matched)
    }

    @Test func mappingKeys() {
        let mapping = BucketMapping(clientBucket: "a", backendBucket: "b", keyPrefix: "p/")
        #expect(mapping.backendKey("x/y") == "p/x/y")
        #expect(mapping.clientKey("p/x/y") == "x/y")
        #expect(mapping.clientKey("q/x") == nil)
        #expect(!mapping.isIdentity)
        #expect(BucketMapping(clientBucket: "a").isIdentity)
    }
}
