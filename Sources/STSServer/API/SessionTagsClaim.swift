import Shared

/// Session tags from the `https://aws.amazon.com/tags` claim, held to AWS's session-tag rules.
///
/// Accepts AWS's object shape and Ceph's array-wrapped one. Nothing is dropped quietly: a tag
/// set AWS would refuse is refused with the error AWS gives for the same tags passed to
/// AssumeRole (`ValidationError`), so a token that works here also works against AWS.
struct SessionTagsClaim: Sendable, Equatable {
    var tags: [String: String]
    /// Keys that would pass on to chained sessions. Portcullis offers no role chaining, so these
    /// are only checked (each must name a session tag), never used further.
    var transitiveKeys: [String]

    static let claimName = "https://aws.amazon.com/tags"
    static let maximumTags = 50
    static let maximumKeyLength = 128
    static let maximumValueLength = 256

    /// Bytes the tags count towards the packed-policy limit.
    var packedSize: Int { tags.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count } }

    /// - Returns: `nil` when the token has no tags claim.
    /// - Throws: `InvalidIdentityToken` for a claim of the wrong shape, `ValidationError` for tags
    ///   AWS would refuse.
    static func parse(_ claim: JSONValue?) throws(STSError) -> SessionTagsClaim? {
        guard var claim else { return nil }
        if let array = claim.arrayValue {
            // Ceph wraps the object in a one-element array.
            guard array.count == 1 else { throw malformed }
            claim = array[0]
        }
        guard let object = claim.objectValue, let principalTags = object["principal_tags"]?.objectValue else { throw malformed }
        guard principalTags.count <= maximumTags else {
            throw .validation(
                "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to \(maximumTags)")
        }
        var tags: [String: String] = [:]
        var lowercased = Set<String>()
        for (index, key) in principalTags.keys.sorted().enumerated() {
            let member = "tags.\(index + 1).member"
            try check(key, member: "\(member).key", length: 1...maximumKeyLength)
            if key.lowercased().hasPrefix("aws:") {
                throw .validation("Tag keys beginning with aws: are reserved: \(key.prefix(128))")
            }
            // AWS compares tag keys case-insensitively.
            guard lowercased.insert(key.lowercased()).inserted else {
                throw .validation("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
            }
            // AWS takes one value per tag, written as an array; Ceph allows several, of which
            // the first is the session's value.
            let value = principalTags[key]!
            guard let text = value.arrayValue.map({ $0.first?.scalarText }) ?? value.scalarText else { throw malformed }
            try check(text, member: "\(member).value", length: 0...maximumValueLength)
            tags[key] = text
        }
        var transitive: [String] = []
        if let keys = object["transitive_tag_keys"] {
            guard let entries = keys.arrayValue else { throw malformed }
            for entry in entries {
                guard let key = entry.stringValue else { throw malformed }
                guard lowercased.contains(key.lowercased()) else {
                    throw .validation("The transitive tag key \(key.prefix(128)) is not one of the session tags.")
                }
                transitive.append(key)
            }
        }
        return SessionTagsClaim(tags: tags, transitiveKeys: transitive)
    }

    private static var malformed: STSError {
        .invalidIdentityToken("The session tags claim (\(claimName)) is malformed.")
    }

    /// Length and AWS's tag character set, `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
    private static func check(_ text: String, member: String, length: ClosedRange<Int>) throws(STSError) {
        if text.count > length.upperBound {
            throw .constraint(value: text, member: member, constraint: "have length less than or equal to \(length.upperBound)")
        }
        if text.count < length.lowerBound {
            throw .constraint(value: text, member: member, constraint: "have length greater than or equal to \(length.lowerBound)")
        }
        let allowed = text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "_", ".", ":", "/", "=", "+", "-", "@": return true
            default:
                let properties = scalar.properties
                return properties.isAlphabetic || properties.numericType != nil || properties.generalCategory == .spaceSeparator
                    || properties.generalCategory == .lineSeparator || properties.generalCategory == .paragraphSeparator
            }
        }
        if !allowed {
            throw .constraint(value: text, member: member, constraint: "satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*")
        }
    }
}
