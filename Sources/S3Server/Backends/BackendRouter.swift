/// Chooses the backend for a bucket: the first backend (in configuration order) with a
/// `buckets` entry matching the bucket and, when it lists `regions`, the request's SigV4
/// region; failing that, the default backend with the names unchanged; failing that, nothing
/// (`NoSuchBucket`).
struct BackendRouter: Sendable {
    struct Route: Sendable {
        let buckets: [BucketRoute]
        /// Empty: requests of any region (and SigV2 requests, which have none).
        var regions: Set<String> = []
        let backend: any S3Backend

        init(buckets: [BucketRoute], regions: Set<String> = [], backend: any S3Backend) {
            self.buckets = buckets
            self.regions = regions
            self.backend = backend
        }

        /// Plain globs, names unchanged (the pre-mapping form).
        init(patterns: [String], backend: any S3Backend) {
            self.init(buckets: patterns.map { BucketRoute(pattern: $0) }, backend: backend)
        }
    }

    /// A routing decision.
    struct Routed: Sendable {
        let backend: any S3Backend
        let mapping: BucketMapping
    }

    let routes: [Route]
    var defaultBackend: (any S3Backend)? = nil

    init(routes: [Route], defaultBackend: (any S3Backend)? = nil) {
        self.routes = routes
        self.defaultBackend = defaultBackend
    }

    func route(bucket: String, region: String?) -> Routed? {
        for route in routes where route.regions.isEmpty || (region.map { route.regions.contains($0) } ?? false) {
            for entry in route.buckets {
                guard let mapping = entry.mapping(for: bucket) else { continue }
                if entry.backendBucket == nil && isRenameTarget(bucket, on: route.backend.name) { return nil }
                return Routed(backend: route.backend, mapping: mapping)
            }
        }
        guard let defaultBackend, !isRenameTarget(bucket, on: defaultBackend.name) else { return nil }
        return Routed(backend: defaultBackend, mapping: BucketMapping(clientBucket: bucket))
    }

    /// Whether `bucket` is, on `backend`, the backend bucket behind a rename. Such a bucket is
    /// reachable only through its client names: addressed under its own name (through a plain
    /// glob or the default backend) it would expose every client bucket it holds, whatever
    /// key prefix each is confined to.
    func isRenameTarget(_ bucket: String, on backend: String) -> Bool {
        routes.contains { route in
            route.backend.name == backend
                && route.buckets.contains { entry in
                    guard let target = entry.backendBucket else { return false }
                    return target.contains("*") ? BucketPattern(target).matches(bucket) : target == bucket
                }
        }
    }

    func backend(for bucket: String, region: String? = nil) -> (any S3Backend)? {
        route(bucket: bucket, region: region)?.backend
    }

    /// The client buckets a bucket listed by `backend` stands for: those that route (for
    /// `region`) to that backend and that very backend bucket. Usually one; none for a bucket the
    /// backend holds but does not serve to clients; several when client buckets share it under
    /// different key prefixes.
    func clientBuckets(forBackendBucket name: String, backend: String, region: String?) -> [String] {
        var candidates: [String] = []
        for route in routes where route.backend.name == backend {
            for entry in route.buckets {
                if let client = entry.clientBucket(forBackendBucket: name), !candidates.contains(client) { candidates.append(client) }
            }
        }
        if defaultBackend?.name == backend, !candidates.contains(name) { candidates.append(name) }
        return candidates.filter { client in
            guard let routed = route(bucket: client, region: region) else { return false }
            return routed.backend.name == backend && routed.mapping.backendBucket == name
        }
    }

    /// Every backend once, in configuration order.
    var backends: [any S3Backend] {
        var seen = Set<String>()
        var all: [any S3Backend] = []
        for backend in routes.map(\.backend) + (defaultBackend.map { [$0] } ?? []) where seen.insert(backend.name).inserted {
            all.append(backend)
        }
        return all
    }
}

/// A bucket-name glob with `*` and `?`, matched against the whole name.
struct BucketPattern: Sendable {
    private let pattern: [UInt8]

    init(_ text: String) { pattern = Array(text.utf8) }

    /// For a pattern with exactly one `*` and no `?`: the part of `name` the `*` matched.
    func starMatch(_ name: String) -> Substring? {
        guard let star = pattern.firstIndex(of: UInt8(ascii: "*")), matches(name) else { return nil }
        let before = star, after = pattern.count - star - 1
        let bytes = Array(name.utf8)
        guard bytes.count >= before + after else { return nil }
        return Substring(decoding: bytes[before..<(bytes.count - after)], as: UTF8.self)
    }

    func matches(_ name: String) -> Bool {
        let text = Array(name.utf8)
        var p = 0, t = 0
        var star = -1, mark = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
