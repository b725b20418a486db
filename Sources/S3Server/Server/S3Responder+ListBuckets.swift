import Logging
import Shared

extension S3Responder {
    /// The condition keys a ListBucket request carries and ListBuckets does not: a bucket is
    /// shown when *some* ListBucket on it could be allowed, whatever these would be (a home
    /// folder user may list `bucket` with `s3:prefix` `alice/` only, and sees `bucket`).
    static let listBucketRequestKeys: Set<String> = ["s3:prefix", "s3:delimiter", "s3:max-keys"]

    /// How long one backend may take to list its buckets before the listing goes on without it.
    static let backendListTimeout: Duration = .seconds(10)

    /// ListBuckets across every backend, for a caller already allowed `s3:ListAllMyBuckets`.
    ///
    /// The backends are asked concurrently, each with a timeout. A backend that fails or is late
    /// is left out and logged; S3 has no partial answer, and one unreachable store should not
    /// hide every other one. Only when every backend fails is the answer `ServiceUnavailable`.
    /// A bucket appears only under the backend the router sends it to (a backend listing a
    /// bucket routed elsewhere does not serve it), once, sorted by name, and only when the
    /// caller could list it (``listBucketRequestKeys``).
    func listBuckets(
        operation: S3Operation, auth: AuthenticatedRequest, facts: S3Authorizer.RequestFacts, logger: Logger
    ) async throws(S3Error) -> BackendResponse {
        let backends = router.backends
        let listings = await Self.fetchBucketLists(backends, timeout: Self.backendListTimeout, logger: logger)
        if !backends.isEmpty && listings.allSatisfy({ $0 == nil }) { throw .serviceUnavailable }
        var visible: [BucketSummary] = []
        let listed = zip(backends, listings).map { ($0.name, $1) }
        for bucket in Self.routedBuckets(listed, router: router, region: auth.signingRegion) {
            let list = S3Operation.Permission(action: "s3:ListBucket", resource: S3Operation.bucketARN(bucket.name))
            let decision = try authorizer.authorize(
                [list], operation: operation, auth: auth, facts: facts, undeterminedConditionKeys: Self.listBucketRequestKeys)
            if decision.isAllowed { visible.append(bucket) }
        }
        return .xml(ListBucketsXML.render(visible, ownerID: "portcullis"))
    }

    /// The buckets each backend serves, by the router's word and under the client's names (a
    /// renamed bucket as the client addresses it), once each, sorted by name (bytes).
    static func routedBuckets(
        _ listings: [(backend: String, buckets: [BucketSummary]?)], router: BackendRouter, region: String? = nil
    ) -> [BucketSummary] {
        var byName: [String: BucketSummary] = [:]
        for (backend, buckets) in listings {
            for bucket in buckets ?? [] {
                for client in router.clientBuckets(forBackendBucket: bucket.name, backend: backend, region: region) where byName[client] == nil {
                    byName[client] = BucketSummary(name: client, creationDate: bucket.creationDate)
                }
            }
        }
        return byName.values.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
    }

    /// Every backend's buckets, in the backends' order; nil for a backend that failed or timed out.
    static func fetchBucketLists(
        _ backends: [any S3Backend], timeout: Duration, logger: Logger
    ) async -> [[BucketSummary]?] {
        await withTaskGroup(of: (Int, [BucketSummary]?).self) { group in
            for (index, backend) in backends.enumerated() {
                group.addTask {
                    (index, await Self.listWithTimeout(backend, timeout: timeout, logger: logger))
                }
            }
            var results = [[BucketSummary]?](repeating: nil, count: backends.count)
            for await (index, listing) in group { results[index] = listing }
            return results
        }
    }

    private static func listWithTimeout(_ backend: any S3Backend, timeout: Duration, logger: Logger) async -> [BucketSummary]? {
        await withTaskGroup(of: Result<[BucketSummary], any Error>?.self) { group in
            group.addTask {
                do {
                    return .success(try await backend.listBuckets())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            switch first {
            case .success(let buckets):
                return buckets
            case .failure(let error):
                logger.warning(
                    "backend left out of ListBuckets", metadata: ["backend": .string(backend.name), "error": .string("\(error)")])
                return nil
            case nil:
                logger.warning(
                    "backend left out of ListBuckets", metadata: ["backend": .string(backend.name), "error": "timed out"])
                return nil
            }
        }
    }
}
