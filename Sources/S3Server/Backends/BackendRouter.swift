/// Chooses the backend for a bucket: the first backend whose `buckets` globs match.
struct BackendRouter: Sendable {
    struct Route: Sendable {
        let patterns: [BucketPattern]
        let backend: any S3Backend
    }

    let routes: [Route]

    func backend(for bucket: String) -> (any S3Backend)? {
        routes.first { route in route.patterns.contains { $0.matches(bucket) } }?.backend
    }

    /// Every backend once, in configuration order.
    var backends: [any S3Backend] { routes.map(\.backend) }
}

/// A bucket-name glob with `*` and `?`, matched against the whole name.
struct BucketPattern: Sendable {
    private let pattern: [UInt8]

    init(_ text: String) { pattern = Array(text.utf8) }

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
