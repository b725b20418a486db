/// A `Resource` or ARN-condition pattern, matched segment by segment.
///
/// An ARN has six colon-separated segments (`arn:partition:service:region:account:resource`);
/// only the first five colons separate segments, because S3 keys may contain `:`. Each segment
/// is matched on its own, so `*` inside the region segment cannot swallow a colon, while `*` in
/// the resource segment still spans `/` and `:`. Matching is case-sensitive (S3 keys are).
/// A pattern with fewer than five colons (such as a lone `*`) is matched against the whole string.
public struct ArnPattern: Sendable, Hashable, CustomStringConvertible {
    private enum Storage: Sendable, Hashable {
        case whole(TemplatePattern)
        case segments([TemplatePattern])
    }

    private let storage: Storage
    public let description: String

    /// Compiles `template`, splitting it at the first five colons of its literal text.
    ///
    /// - Parameter variablesOnlyInResource: when true (the `Resource` element), a variable in the
    ///   first five segments is rejected, as AWS only substitutes after the fifth colon.
    /// - Throws: a message when a variable is where it is not allowed.
    public init(_ template: ValueTemplate, variablesOnlyInResource: Bool) throws(TemplateSyntaxError) {
        description = template.description
        var segments: [[ValueTemplate.Part]] = [[]]
        for part in template.parts {
            guard case .text(let text) = part, segments.count < 6 else {
                segments[segments.count - 1].append(part)
                continue
            }
            var current = ""
            for character in text {
                if character == ":", segments.count < 6 {
                    if !current.isEmpty { segments[segments.count - 1].append(.text(current)) }
                    current = ""
                    segments.append([])
                } else {
                    current.append(character)
                }
            }
            if !current.isEmpty { segments[segments.count - 1].append(.text(current)) }
        }
        guard segments.count == 6 else {
            if variablesOnlyInResource, template.hasVariables {
                throw TemplateSyntaxError(message: "policy variables are only allowed after the fifth colon of an ARN, in \"\(template)\"")
            }
            storage = .whole(TemplatePattern(template))
            return
        }
        if variablesOnlyInResource {
            for segment in segments.dropLast() where segment.contains(where: { if case .variable = $0 { true } else { false } }) {
                throw TemplateSyntaxError(message: "policy variables are only allowed after the fifth colon of an ARN, in \"\(template)\"")
            }
        }
        storage = .segments(segments.map { TemplatePattern(parts: $0) })
    }

    /// Whether the pattern is a lone `*`, which matches any resource.
    public var matchesEverything: Bool {
        if case .whole(let pattern) = storage { return pattern.matchesEverything }
        return false
    }

    /// Matches `arn`, resolving variables from `values`.
    public func match(_ arn: String, values: ConditionValues) -> TemplatePattern.Match {
        var arn = arn
        return arn.withUTF8 { bytes in
            switch storage {
            case .whole(let pattern):
                return pattern.match(bytes, values: values)
            case .segments(let patterns):
                return Self.matchSegments(patterns, bytes, values)
            }
        }
    }

    private static func matchSegments(
        _ patterns: [TemplatePattern],
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ values: ConditionValues
    ) -> TemplatePattern.Match {
        var result = TemplatePattern.Match.match
        var start = 0
        for index in 0..<6 {
            var end = start
            if index < 5 {
                while end < bytes.count, bytes[end] != UInt8(ascii: ":") { end += 1 }
                if end == bytes.count { return .noMatch }  // fewer than six segments
            } else {
                end = bytes.count
            }
            let segment = UnsafeBufferPointer(rebasing: bytes[start..<end])
            switch patterns[index].match(segment, values: values) {
            case .match: break
            case .noMatch: return .noMatch
            // Keep checking: a definite mismatch elsewhere is the better answer.
            case .unresolvable: result = .unresolvable
            }
            start = end + 1
        }
        return result
    }
}
