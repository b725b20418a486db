/// One entry of a backend's `buckets:` list: a bucket name or glob (`*`, `?`) the backend
/// serves, either as a plain string (`"logs-*"`, names unchanged) or as a mapping that renames
/// the bucket at the backend and/or keeps its keys under a prefix there:
///
/// ```yaml
/// buckets:
///   - "logs-*"
///   - { bucket: team-a, backendBucket: corp-team-a, keyPrefix: "portcullis/" }
///   - { bucket: "proj-*", backendBucket: "corp-proj-*" }   # one `*` each: the matched part carries over
/// ```
public struct BucketRouteSettings: Sendable, Decodable, Equatable {
    /// The client's bucket name or glob.
    public var bucket: String
    /// The bucket's name at the backend; nil keeps the client's name.
    public var backendBucket: String?
    /// Prefix prepended to every key at the backend; nil for none.
    public var keyPrefix: String?

    public init(bucket: String, backendBucket: String? = nil, keyPrefix: String? = nil) {
        self.bucket = bucket
        self.backendBucket = backendBucket
        self.keyPrefix = keyPrefix
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case bucket, backendBucket, keyPrefix
    }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            self.init(bucket: text)
            return
        }
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            bucket: try c.decode(String.self, forKey: .bucket),
            backendBucket: try c.decodeIfPresent(String.self, forKey: .backendBucket),
            keyPrefix: try c.decodeIfPresent(String.self, forKey: .keyPrefix))
    }

    /// Whether the client name is a glob rather than one bucket.
    public var isGlob: Bool { bucket.contains("*") || bucket.contains("?") }
}
