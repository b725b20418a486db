/// A condition operator such as `StringLike`, `ForAllValues:StringEqualsIfExists` or `Null`.
///
/// Parsed strictly from the policy: an unknown operator is a load error rather than a condition
/// that silently never matches (or, for a `Deny`, never denies).
public struct ConditionOperator: Sendable, Hashable, CustomStringConvertible {
    /// The operator without set qualifier and `IfExists` suffix.
    public enum Base: String, Sendable, Hashable, CaseIterable {
        case stringEquals = "StringEquals"
        case stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
        case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike"
        case stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals"
        case numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan"
        case numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan"
        case numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals"
        case dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan"
        case dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan"
        case dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool"
        case binaryEquals = "BinaryEquals"
        case ipAddress = "IpAddress"
        case notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals"
        case arnLike = "ArnLike"
        case arnNotEquals = "ArnNotEquals"
        case arnNotLike = "ArnNotLike"
        case null = "Null"

        /// Negated operators are true when the request value matches **none** of the policy
        /// values, and true when the key is missing.
        public var isNegated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals,
                .notIpAddress, .arnNotEquals, .arnNotLike:
                true
            default: false
            }
        }

        /// Whether values may contain policy variables (String and ARN operators only).
        public var allowsVariables: Bool {
            switch self {
            case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .stringLike,
                .stringNotLike, .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
                true
            default: false
            }
        }
    }

    /// How a multi-valued request key is compared with the policy values.
    public enum SetQualifier: String, Sendable, Hashable {
        /// True if any request value satisfies the operator; false if the key is missing or empty.
        case forAnyValue = "ForAnyValue"
        /// True if every request value satisfies the operator, **and** if the key is missing or empty.
        case forAllValues = "ForAllValues"
    }

    public let base: Base
    public let qualifier: SetQualifier?
    /// With `IfExists`, a missing key makes the condition true.
    public let ifExists: Bool

    public init(base: Base, qualifier: SetQualifier? = nil, ifExists: Bool = false) {
        self.base = base
        self.qualifier = qualifier
        self.ifExists = ifExists
    }

    /// Parses an operator name exactly as AWS spells it, or returns `nil`.
    public init?(parsing name: String) {
        var rest = Substring(name)
        var qualifier: SetQualifier?
        for candidate in [SetQualifier.forAnyValue, .forAllValues] where rest.hasPrefix(candidate.rawValue + ":") {
            qualifier = candidate
            rest = rest.dropFirst(candidate.rawValue.count + 1)
        }
        var ifExists = false
        if rest.hasSuffix("IfExists") {
            ifExists = true
            rest = rest.dropLast("IfExists".count)
        }
        guard let base = Base(rawValue: String(rest)) else { return nil }
        // `Null` tests existence itself; neither qualifiers nor `IfExists` make sense on it.
        if base == .null, qualifier != nil || ifExists { return nil }
        self.init(base: base, qualifier: qualifier, ifExists: ifExists)
    }

    public var isNegated: Bool { base.isNegated }

    public var description: String {
        (qualifier.map { $0.rawValue + ":" } ?? "") + base.rawValue + (ifExists ? "IfExists" : "")
    }
}
