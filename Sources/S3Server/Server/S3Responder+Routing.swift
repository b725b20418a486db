extension S3Responder {
    /// The backend that carries out `operation`, seen through its bucket mapping. The copy
    /// source must live on the same backend (the copy runs there); a source elsewhere is
    /// `NotImplemented`, as S3 has no cross-store copy to offer.
    func route(_ operation: S3Operation, region: String?) throws(S3Error) -> any S3Backend {
        guard let bucket = operation.bucket, let routed = router.route(bucket: bucket, region: region) else {
            throw .noSuchBucket(operation.bucket ?? "")
        }
        var sourceMapping: BucketMapping?
        if let source = operation.copySource {
            guard let sourceRoute = router.route(bucket: source.bucket, region: region) else { throw .noSuchBucket(source.bucket) }
            guard sourceRoute.backend.name == routed.backend.name else { throw .notImplemented("copying between backends") }
            sourceMapping = sourceRoute.mapping
        }
        return MappedBackend.wrap(routed.backend, mapping: routed.mapping, sourceMapping: sourceMapping)
    }
}
