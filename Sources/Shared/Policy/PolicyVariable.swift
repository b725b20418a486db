/// A `${key}` or `${key, 'default'}` reference inside a `Resource` or a String/ARN condition value.
///
/// Variables are resolved at evaluation time from the request's condition values and are
/// substituted **as data**: a resolved value is always literal text, so a user whose name is `*`
/// does not gain a wildcard. This is the fix for text-templated policies (fakes3pp renders Go
/// templates and then parses the result). Only single-valued keys can be variables.
public struct PolicyVariable: Sendable, Hashable, CustomStringConvertible {
    /// The condition key, lower-cased (keys are case-insensitive), e.g. `aws:principaltag/team`.
    public let key: String
    /// The value used when the key is missing or not single-valued.
    public let defaultValue: String?

    public init(key: String, defaultValue: String? = nil) {
        self.key = key.lowercased()
        self.defaultValue = defaultValue
    }

    public var description: String {
        if let defaultValue { return "${\(key), '\(defaultValue)'}" }
        return "${\(key)}"
    }

    /// The value of this variable for a request, or `nil` when it cannot be resolved.
    public func resolve(in values: ConditionValues) -> String? {
        if let found = values.lowercasedLookup(key), found.count == 1 { return found[0] }
        return defaultValue
    }
}
