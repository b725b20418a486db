/// A JSON value as written, kept in document order: what ``StrictJSONReader`` produces.
///
/// Policies are read into this form (member order for messages, numbers as written for
/// conditions); tokens and provider documents are converted on to ``JSONValue``. Everything
/// untrusted is read by the one strict reader instead of `JSONSerialization`/`JSONDecoder`:
/// repeated keys must be rejected (`JSONSerialization` silently keeps the last one, so a second
/// `"Effect"` could flip a Deny into an Allow, and a second `"sub"` could make two readers of one
/// token disagree), and errors should point at a line and column.
enum OrderedJSON: Sendable, Equatable {
    case object([(key: String, value: OrderedJSON)])
    case array([OrderedJSON])
    case string(String)
    /// The number exactly as written, so `"10"` and `10` compare the same way in conditions.
    case number(String)
    case bool(Bool)
    case null

    static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let a), .array(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    /// A short name of the JSON type, for error messages.
    var typeName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}
