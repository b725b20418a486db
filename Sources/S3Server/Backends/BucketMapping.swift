import Shared

/// How one client bucket appears at its backend: possibly under another name, and possibly with
/// every key under a prefix. Policies always see the client's names; only the upstream request
/// is translated, and names in the answer are translated back.
struct BucketMapping: Sendable, Equatable {
    /// The bucket the client named.
    let clientBucket: String
    /// The bucket at the backend.
    let backendBucket: String
    /// Prepended to every key at the backend; empty for none.
    let keyPrefix: String

    init(clientBucket: String, backendBucket: String? = nil, keyPrefix: String = "") {
        self.clientBucket = clientBucket
        self.backendBucket = backendBucket ?? clientBucket
        self.keyPrefix = keyPrefix
    }

    /// Names unchanged: nothing to translate.
    var isIdentity: Bool { clientBucket == backendBucket && keyPrefix.isEmpty }

    func backendKey(_ key: String) -> String { keyPrefix + key }

    /// The client's key for a backend key; nil when the key lies outside the prefix (it cannot
    /// belong to this bucket).
    func clientKey(_ backendKey: String) -> String? {
        guard backendKey.hasPrefix(keyPrefix) else { return nil }
        return String(backendKey.dropFirst(keyPrefix.count))
    }
}

/// One entry of a backend's `buckets:` list, compiled.
struct BucketRoute: Sendable {
    let pattern: BucketPattern
    /// The client-side name or glob, as configured.
    let patternText: String
    /// The backend name, or for a renamed glob the template whose one `*` receives the part the
    /// client name's `*` matched.
    let backendBucket: String?
    let keyPrefix: String

    init(pattern: String, backendBucket: String? = nil, keyPrefix: String? = nil) {
        self.pattern = BucketPattern(pattern)
        self.patternText = pattern
        self.backendBucket = backendBucket
        self.keyPrefix = keyPrefix ?? ""
    }

    init(_ settings: BucketRouteSettings) {
        self.init(pattern: settings.bucket, backendBucket: settings.backendBucket, keyPrefix: settings.keyPrefix)
    }

    /// The mapping for `bucket` when this entry routes it.
    func mapping(for bucket: String) -> BucketMapping? {
        guard pattern.matches(bucket) else { return nil }
        guard let backendBucket else { return BucketMapping(clientBucket: bucket, keyPrefix: keyPrefix) }
        guard let star = backendBucket.firstIndex(of: "*") else {
            return BucketMapping(clientBucket: bucket, backendBucket: backendBucket, keyPrefix: keyPrefix)
        }
        // Validated at load: a renamed glob has exactly one `*` on each side.
        guard let matched = pattern.starMatch(bucket) else { return nil }
        let name = backendBucket[..<star] + matched + backendBucket[backendBucket.index(after: star)...]
        return BucketMapping(clientBucket: bucket, backendBucket: String(name), keyPrefix: keyPrefix)
    }

    /// The client bucket this entry would show for a bucket the backend lists, if any: the
    /// inverse of ``mapping(for:)`` (ListBuckets names buckets as the client addresses them).
    func clientBucket(forBackendBucket name: String) -> String? {
        guard let backendBucket else { return pattern.matches(name) ? name : nil }
        guard backendBucket.contains("*") else { return name == backendBucket ? patternText : nil }
        guard let matched = BucketPattern(backendBucket).starMatch(name), let clientStar = patternText.firstIndex(of: "*") else {
            return nil
        }
        let client = patternText[..<clientStar] + matched + patternText[patternText.index(after: clientStar)...]
        return pattern.matches(String(client)) ? String(client) : nil
    }
}
