import Shared

/// Session tags from the `https://aws.amazon.com/tags` claim: AWS's object shape and Ceph's
/// array-wrapped shape. AWS accepts one value per tag, so the first value is used.
struct SessionTagsClaim: Sendable {
    var tags: [String: String]
    var transitiveKeys: [String]

    static func parse(_ claim: JSONValue?) -> SessionTagsClaim? {
        guard var claim else { return nil }
        if let array = claim.arrayValue, let first = array.first { claim = first }
        guard let object = claim.objectValue, let principalTags = object["principal_tags"]?.objectValue else { return nil }
        var tags: [String: String] = [:]
        // Tag keys are case-insensitive in AWS; keys differing only in case are ambiguous.
        let ambiguous = Set(Dictionary(grouping: principalTags.keys, by: { $0.lowercased() }).filter { $0.value.count > 1 }.keys)
        for key in principalTags.keys.sorted().prefix(50) where key.count <= 128 && !ambiguous.contains(key.lowercased()) {
            let value = principalTags[key]!
            let text = value.arrayValue?.first?.scalarText ?? value.scalarText
            if let text, text.count <= 256 { tags[key] = text }
        }
        let transitive = object["transitive_tag_keys"]?.arrayValue?.compactMap(\.scalarText) ?? []
        return SessionTagsClaim(tags: tags, transitiveKeys: transitive)
    }
}

/// The OIDC claims frozen into a session for `${jwt:*}` policy variables, bounded so that a
/// token with huge claims cannot make huge session tokens.
enum FrozenClaims {
    static let skipped: Set<String> = [
        "exp", "iat", "nbf", "jti", "nonce", "at_hash", "c_hash", "https://aws.amazon.com/tags", "https://aws.amazon.com/source_identity",
    ]

    /// The most claim bytes a session carries; S3Server refuses session tokens over 16 KiB.
    static let maximumBytes = 4096

    static func freeze(_ claims: [String: JSONValue]) -> [String: [String]] {
        var frozen: [String: [String]] = [:]
        var bytes = 0
        // Condition keys compare case-insensitively: `Sub` next to `sub` would make `jwt:sub`
        // two-valued, so claims whose names collide are all dropped.
        let ambiguous = Set(Dictionary(grouping: claims.keys, by: { $0.lowercased() }).filter { $0.value.count > 1 }.keys)
        for name in claims.keys.sorted() where !skipped.contains(name) && name.count <= 128 && !ambiguous.contains(name.lowercased()) {
            guard frozen.count < 50, let value = claims[name] else { continue }
            var values: [String]
            if let array = value.arrayValue {
                values = array.prefix(20).compactMap(\.scalarText)
            } else if let text = value.scalarText {
                values = [text]
            } else {
                continue
            }
            values = values.filter { $0.utf8.count <= 256 }
            let size = name.utf8.count + values.reduce(0) { $0 + $1.utf8.count + 3 }
            if !values.isEmpty && bytes + size <= maximumBytes {
                frozen[name] = values
                bytes += size
            }
        }
        return frozen
    }
}
