/// A wildcard pattern that may contain policy variables.
///
/// Patterns without variables are compiled once at load time; those with variables are
/// assembled per request from already-parsed pieces, with resolved values as literal text.
public struct TemplatePattern: Sendable, Hashable, CustomStringConvertible {
    /// The outcome of matching a pattern that may contain variables.
    public enum Match: Sendable, Hashable {
        case match
        case noMatch
        /// A variable had no value, so the pattern matches nothing.
        case unresolvable
    }

    /// A run of compiled pattern elements, or a variable to splice in per request.
    private enum CompiledPart: Sendable, Hashable {
        case elements([WildcardPattern.Element])
        case variable(PolicyVariable)
    }

    private enum Storage: Sendable, Hashable {
        case constant(WildcardPattern)
        case variables([CompiledPart], source: [ValueTemplate.Part], caseInsensitive: Bool, minimumCount: Int)
    }

    private let storage: Storage

    public init(parts: [ValueTemplate.Part], caseInsensitive: Bool = false) {
        var compiled: [CompiledPart] = []
        var current: [WildcardPattern.Element] = []
        var hasVariables = false
        for part in parts {
            switch part {
            case .text(let text):
                WildcardPattern.appendElements(of: text, wildcards: true, caseInsensitive: caseInsensitive, to: &current)
            case .literal(let text):
                WildcardPattern.appendElements(of: text, wildcards: false, caseInsensitive: caseInsensitive, to: &current)
            case .variable(let variable):
                hasVariables = true
                if !current.isEmpty { compiled.append(.elements(current)) }
                current = []
                compiled.append(.variable(variable))
            }
        }
        guard hasVariables else {
            storage = .constant(WildcardPattern(elements: current, caseInsensitive: caseInsensitive))
            return
        }
        if !current.isEmpty { compiled.append(.elements(current)) }
        let minimumCount = compiled.reduce(0) { total, part in
            if case .elements(let elements) = part { return total + elements.count }
            return total
        }
        storage = .variables(compiled, source: parts, caseInsensitive: caseInsensitive, minimumCount: minimumCount)
    }

    public init(_ template: ValueTemplate, caseInsensitive: Bool = false) {
        self.init(parts: template.parts, caseInsensitive: caseInsensitive)
    }

    /// Whether the pattern is a lone `*`.
    public var matchesEverything: Bool {
        if case .constant(let pattern) = storage { return pattern.matchesEverything }
        return false
    }

    public var description: String {
        switch storage {
        case .constant(let pattern): pattern.description
        case .variables(_, let parts, _, _):
            parts.map { part in
                switch part {
                case .text(let text): text
                case .literal(let text): "${\(text)}"
                case .variable(let variable): variable.description
                }
            }.joined()
        }
    }

    /// Matches the whole of `input`, resolving variables from `values`.
    public func match(_ input: UnsafeBufferPointer<UInt8>, values: ConditionValues) -> Match {
        switch storage {
        case .constant(let pattern):
            return pattern.matches(input) ? .match : .noMatch
        case .variables(let parts, _, let caseInsensitive, let minimumCount):
            // Splice resolved values in as literal bytes: a value of `*` stays a literal star.
            var elements: [WildcardPattern.Element] = []
            elements.reserveCapacity(minimumCount + 32)
            for part in parts {
                switch part {
                case .elements(let compiled):
                    if compiled.first == .anyRun, elements.last == .anyRun {
                        elements.append(contentsOf: compiled.dropFirst())
                    } else {
                        elements.append(contentsOf: compiled)
                    }
                case .variable(let variable):
                    guard let value = variable.resolve(in: values) else { return .unresolvable }
                    WildcardPattern.appendElements(of: value, wildcards: false, caseInsensitive: caseInsensitive, to: &elements)
                }
            }
            return WildcardPattern(elements: elements, caseInsensitive: caseInsensitive).matches(input) ? .match : .noMatch
        }
    }

    /// Matches the whole of `string`, resolving variables from `values`.
    public func match(_ string: String, values: ConditionValues) -> Match {
        var string = string
        return string.withUTF8 { match($0, values: values) }
    }
}
