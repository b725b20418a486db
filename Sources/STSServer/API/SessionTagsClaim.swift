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
        for (key, value) in principalTags.prefix(50) where key.count <= 128 {
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
    static let skipped: Set<String> = ["exp", "iat", "nbf", "jti", "nonce", "at_hash", "c_hash", "https://aws.amazon.com/tags"]

    static func freeze(_ claims: [String: JSONValue]) -> [String: [String]] {
        var frozen: [String: [String]] = [:]
        for name in claims.keys.sorted() where !skipped.contains(name) && name.count <= 128 {
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
            if !values.isEmpty { frozen[name] = values }
        }
        return frozen
    }
}
