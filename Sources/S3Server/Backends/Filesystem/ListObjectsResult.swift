import Shared
/// Parameters of ListObjects (V1) and ListObjectsV2, already decoded from the query string.
struct ListObjectsRequest: Sendable, Equatable {
    var prefix: String = ""
    /// `nil` or empty: no roll-up into common prefixes.
    var delimiter: String?
    /// S3 default 1000; values above 1000 are capped.
    var maxKeys: Int = 1000
    /// Start after this key (V1 `marker`, V2 `start-after`).
    var startAfter: String?
    /// V2 `continuation-token`, as the client echoed it; takes precedence over `startAfter`.
    var continuationToken: String?

    init(prefix: String = "", delimiter: String? = nil, maxKeys: Int = 1000, startAfter: String? = nil, continuationToken: String? = nil) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.maxKeys = maxKeys
        self.startAfter = startAfter
        self.continuationToken = continuationToken
    }
}

/// One page of a listing, in S3 order.
struct ListObjectsResult: Sendable, Equatable {
    var objects: [ObjectInfo]
    /// Rolled-up prefixes (each ends with the delimiter), sorted.
    var commonPrefixes: [String]
    var isTruncated: Bool
    /// The last key or common prefix returned; V1 `NextMarker` / the V2 token's content.
    /// Set only when truncated.
    var nextMarker: String?
    /// The capped `max-keys` actually applied, for `<MaxKeys>`.
    var maxKeys: Int

    /// `<KeyCount>` in V2: keys plus common prefixes.
    var keyCount: Int { objects.count + commonPrefixes.count }

    /// `<NextContinuationToken>` for V2: opaque to clients, base64 of the next marker.
    var nextContinuationToken: String? { nextMarker.map(ListObjectsResult.encodeContinuationToken) }

    static func encodeContinuationToken(_ marker: String) -> String {
        Base64.encode(Array(marker.utf8))
    }

    /// Decodes a token made by ``encodeContinuationToken(_:)``; `InvalidArgument` otherwise.
    static func decodeContinuationToken(_ token: String) throws(S3StoreError) -> String {
        guard let bytes = Base64.decode(token), let marker = String(validating: bytes, as: UTF8.self) else {
            throw .invalidArgument("The continuation token provided is incorrect")
        }
        return marker
    }
}
