/// A policy string split into plain text, literal escapes and variables.
///
/// Built once at load time, so a request never re-parses policy text: ``TemplatePattern`` compiles
/// the parts into a matcher and ``resolvedText(in:)`` substitutes values for the `…Equals` operators.
public struct ValueTemplate: Sendable, Hashable, CustomStringConvertible {
    public enum Part: Sendable, Hashable {
        /// Text as written; in `…Like` and `Resource` values, `*` and `?` are wildcards here.
        case text(String)
        /// Literal text from an escape: `${*}`, `${?}` or `${$}`.
        case literal(String)
        case variable(PolicyVariable)
    }

    public let parts: [Part]
    public let description: String

    /// Whether any part needs a request value.
    public var hasVariables: Bool {
        parts.contains { if case .variable = $0 { return true } else { return false } }
    }

    /// Parses `text`; when `variables` is false (a policy without `"Version": "2012-10-17"`),
    /// `${…}` is plain text.
    ///
    /// - Throws: a message describing a malformed `${…}`.
    public init(parsing text: String, variables: Bool) throws(TemplateSyntaxError) {
        description = text
        guard variables, text.contains("${") else {
            parts = [.text(text)]
            return
        }
        var parts: [Part] = []
        var pending = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            pending += rest[..<start.lowerBound]
            let afterOpen = rest[start.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else {
                throw TemplateSyntaxError(message: "unterminated policy variable \"\(rest[start.lowerBound...])\"")
            }
            let body = afterOpen[..<close]
            rest = afterOpen[afterOpen.index(after: close)...]
            switch body {
            case "*", "?", "$":
                parts.appendText(pending)
                pending = ""
                parts.append(.literal(String(body)))
            default:
                parts.appendText(pending)
                pending = ""
                parts.append(.variable(try Self.parseVariable(body)))
            }
        }
        pending += rest
        parts.appendText(pending)
        self.parts = parts
    }

    private static func parseVariable(_ body: Substring) throws(TemplateSyntaxError) -> PolicyVariable {
        var key = body
        var defaultValue: String?
        if let comma = body.firstIndex(of: ",") {
            key = body[..<comma]
            let rawDefault = body[body.index(after: comma)...].trimmingSpaces
            guard rawDefault.count >= 2, rawDefault.first == "'", rawDefault.last == "'" else {
                throw TemplateSyntaxError(message: "the default in \"${\(body)}\" must be in single quotes")
            }
            defaultValue = String(rawDefault.dropFirst().dropLast())
        }
        let trimmedKey = key.trimmingSpaces
        guard !trimmedKey.isEmpty, !trimmedKey.contains(where: { $0 == " " || $0 == "$" || $0 == "{" || $0 == "'" }) else {
            throw TemplateSyntaxError(message: "invalid policy variable \"${\(body)}\"")
        }
        return PolicyVariable(key: String(trimmedKey), defaultValue: defaultValue)
    }

    /// The text for this request with variables substituted, or `nil` if one cannot be resolved.
    public func resolvedText(in values: ConditionValues) -> String? {
        var text = ""
        for part in parts {
            switch part {
            case .text(let value), .literal(let value): text += value
            case .variable(let variable):
                guard let value = variable.resolve(in: values) else { return nil }
                text += value
            }
        }
        return text
    }
}

/// A malformed `${…}` in a policy value.
public struct TemplateSyntaxError: Error, Sendable, Equatable {
    public var message: String

    public init(message: String) { self.message = message }
}

extension [ValueTemplate.Part] {
    fileprivate mutating func appendText(_ text: String) {
        if !text.isEmpty { append(.text(text)) }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
