import Logging
import Testing

@testable import S3Server
@testable import Shared

/// ListBuckets across backends: concurrent fetch with failures and timeouts left out, then
/// merged by the router's word.
@Suite struct ListBucketsMergeTests {
    struct StubBackend: S3Backend {
        enum Behaviour: Sendable {
            case buckets([String])
            case fails
            case hangs
        }

        let name: String
        let behaviour: Behaviour

        func listBuckets() async throws -> [BucketSummary] {
            switch behaviour {
            case .buckets(let names): return names.map { BucketSummary(name: $0, creationDate: 0) }
            case .fails: throw S3Error.serviceUnavailable
            case .hangs:
                try await Task.sleep(for: .seconds(3600))
                return []
            }
        }

        func handle(_ request: BackendRequest, body: BackendRequestBody) async throws -> BackendResponse {
            throw S3Error.internalError
        }

        func deleteObjects(
            bucket: String, objects: [DeleteObjectsRequest.Object], request: BackendRequest
        ) async throws -> [DeleteObjectsResult.Entry] {
            throw S3Error.internalError
        }
    }

    static func router(_ backends: [(String, [String])]) -> BackendRouter {
        BackendRouter(routes: backends.map { name, patterns in
            BackendRouter.Route(patterns: patterns, backend: StubBackend(name: name, behaviour: .fails))
        })
    }

    struct MergeCase: Sendable, CustomTestStringConvertible {
        let name: String
        let listings: [(backend: String, buckets: [BucketSummary]?)]
        let expected: [String]
        var testDescription: String { name }
    }

    static func summaries(_ names: String...) -> [BucketSummary] { names.map { BucketSummary(name: $0, creationDate: 0) } }

    static let merges: [MergeCase] = [
        MergeCase(name: "merged and sorted by bytes",
                  listings: [("team", summaries("team-b", "team-a")), ("rest", summaries("zeta", "Alpha", "beta"))],
                  expected: ["Alpha", "beta", "team-a", "team-b", "zeta"]),
        MergeCase(name: "a bucket routed elsewhere is not this backend's",
                  listings: [("team", summaries("team-a")), ("rest", summaries("team-ghost", "other"))],
                  expected: ["other", "team-a"]),
        MergeCase(name: "a bucket routed to no backend is not shown",
                  listings: [("team", summaries("team-a", "stray"))], expected: ["team-a"]),
        MergeCase(name: "duplicates once",
                  listings: [("rest", summaries("x", "x")), ("team", summaries("team-a", "team-a"))], expected: ["team-a", "x"]),
        MergeCase(name: "a failed backend contributes nothing",
                  listings: [("team", nil), ("rest", summaries("other"))], expected: ["other"]),
    ]

    @Test(arguments: merges)
    func routedBuckets(_ c: MergeCase) {
        let router = Self.router([("team", ["team-*"]), ("rest", ["*"])])
        #expect(S3Responder.routedBuckets(c.listings, router: router).map(\.name) == c.expected)
    }

    @Test func failingAndHangingBackendsAreLeftOut() async {
        let backends: [any S3Backend] = [
            StubBackend(name: "a", behaviour: .buckets(["a1"])), StubBackend(name: "broken", behaviour: .fails),
            StubBackend(name: "stuck", behaviour: .hangs), StubBackend(name: "b", behaviour: .buckets(["b1", "b2"])),
        ]
        let listings = await S3Responder.fetchBucketLists(backends, timeout: .milliseconds(200), logger: Logger(label: "test"))
        #expect(listings.map { $0?.map(\.name) } == [["a1"], nil, nil, ["b1", "b2"]])
    }
}

/// ListBuckets names buckets as clients address them: renamed buckets map back, buckets a
/// backend holds but does not serve stay hidden.
@Suite struct ListBucketsClientNamesTests {
    static let router: BackendRouter = {
        let stub = ListBucketsMergeTests.StubBackend(name: "ceph", behaviour: .fails)
        let local = ListBucketsMergeTests.StubBackend(name: "local", behaviour: .fails)
        return BackendRouter(
            routes: [
                BackendRouter.Route(
                    buckets: [
                        BucketRoute(pattern: "team-a", backendBucket: "corp-team-a", keyPrefix: "portcullis/"),
                        BucketRoute(pattern: "team-b", backendBucket: "corp-team-a", keyPrefix: "b/"),
                        BucketRoute(pattern: "proj-*", backendBucket: "corp-proj-*"),
                        BucketRoute(pattern: "logs-*"),
                    ], backend: stub),
                BackendRouter.Route(buckets: [BucketRoute(pattern: "eu-*")], regions: ["eu-central-1"], backend: stub),
            ],
            defaultBackend: local)
    }()

    @Test(arguments: [
        ("ceph", "corp-team-a", nil as String?, ["team-a", "team-b"]),
        ("ceph", "corp-proj-x", nil, ["proj-x"]),
        ("ceph", "logs-1", nil, ["logs-1"]),
        ("ceph", "team-a", nil, []),           // the backend's own bucket of that name is not served
        ("ceph", "unrelated", nil, []),
        ("ceph", "eu-data", nil, []),          // a region-bound route needs the request's region
        ("ceph", "eu-data", "eu-central-1", ["eu-data"]),
        ("local", "anything", nil, ["anything"]),
        ("local", "logs-2", nil, []),          // routed to ceph, so not local's
    ])
    func backendBucketsMapToClientNames(backend: String, bucket: String, region: String?, expected: [String]) {
        #expect(Self.router.clientBuckets(forBackendBucket: bucket, backend: backend, region: region) == expected)
    }
}

/// A renamed bucket's backend bucket is never reachable under its own name: through a plain
/// glob or the default backend it would expose every client bucket it holds.
@Suite struct RenameTargetIsolationTests {
    @Test(arguments: [
        ("shared", nil as String?),         // the target of two prefixed renames
        ("corp-proj-x", nil),               // matches a renamed glob's target
        ("team-a", "ceph"),                 // the client name itself routes
        ("proj-x", "ceph"),
        ("logs-1", "ceph"),
        ("other", "ceph"),                  // the catch-all glob still takes everything else
    ])
    func renameTargetsDoNotRouteUnderTheirOwnName(bucket: String, expected: String?) {
        let ceph = ListBucketsMergeTests.StubBackend(name: "ceph", behaviour: .fails)
        let local = ListBucketsMergeTests.StubBackend(name: "local", behaviour: .fails)
        let router = BackendRouter(
            routes: [
                BackendRouter.Route(
                    buckets: [
                        BucketRoute(pattern: "team-a", backendBucket: "shared", keyPrefix: "a/"),
                        BucketRoute(pattern: "team-b", backendBucket: "shared", keyPrefix: "b/"),
                        BucketRoute(pattern: "proj-*", backendBucket: "corp-proj-*"),
                        BucketRoute(pattern: "logs-*"),
                        BucketRoute(pattern: "*"),
                    ], backend: ceph),
            ],
            defaultBackend: local)
        #expect(router.route(bucket: bucket, region: nil)?.backend.name == expected)
        let viaDefault = BackendRouter(routes: [BackendRouter.Route(buckets: [BucketRoute(pattern: "team-a", backendBucket: "shared")], backend: ceph)],
                                       defaultBackend: ceph)
        #expect(viaDefault.route(bucket: "shared", region: nil) == nil)
        #expect(viaDefault.clientBuckets(forBackendBucket: "shared", backend: "ceph", region: nil) == ["team-a"])
    }
}
