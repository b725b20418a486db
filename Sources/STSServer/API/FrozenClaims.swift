import Shared

/// The OIDC claims frozen into a session for `${jwt:*}` policy variables, bounded so that a
/// token with huge claims cannot make huge session tokens.
enum FrozenClaims {
    /// Never frozen: they change per token and mean nothing to a policy, or have their own place.
    static let skipped: Set<String> = [
        "exp", "iat", "nbf", "jti", "nonce", "at_hash", "c_hash", SessionTagsClaim.claimName, "https://aws.amazon.com/source_identity",
    ]

    /// The most claim bytes a session carries; S3Server refuses session tokens over 16 KiB.
    static let maximumBytes = 4096
    static let maximumClaims = 50
    static let maximumValuesPerClaim = 20
    static let maximumValueBytes = 256

    /// - Parameters:
    ///   - claims: the verified token's claims.
    ///   - selection: the provider's `sessionClaims`; `nil` freezes every claim but the skipped ones.
    static func freeze(_ claims: [String: JSONValue], selecting selection: Set<String>? = nil) -> [String: [String]] {
        var frozen: [String: [String]] = [:]
        var bytes = 0
        // Condition keys compare case-insensitively: `Sub` next to `sub` would make `jwt:sub`
        // two-valued, so claims whose names collide are all dropped.
        let ambiguous = Set(Dictionary(grouping: claims.keys, by: { $0.lowercased() }).filter { $0.value.count > 1 }.keys)
        for name in claims.keys.sorted() where !skipped.contains(name) && name.count <= 128 && !ambiguous.contains(name.lowercased()) {
            if let selection, !selection.contains(name) { continue }
            guard frozen.count < maximumClaims, let value = claims[name] else { continue }
            var values: [String]
            if let array = value.arrayValue {
                values = array.prefix(maximumValuesPerClaim).compactMap(\.scalarText)
            } else if let text = value.scalarText {
                values = [text]
            } else {
                continue
            }
            values = values.filter { $0.utf8.count <= maximumValueBytes }
            let size = name.utf8.count + values.reduce(0) { $0 + $1.utf8.count + 3 }
            if !values.isEmpty && bytes + size <= maximumBytes {
                frozen[name] = values
                bytes += size
            }
        }
        return frozen
    }
}
