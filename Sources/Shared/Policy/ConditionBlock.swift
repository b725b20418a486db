/// A statement's `Condition` element: every clause must hold.
///
/// Keys and operators are AND'ed; the values listed under one key are OR'ed (see
/// ``ConditionClause/evaluate(_:)``). An empty block is always true.
public struct ConditionBlock: Sendable, Hashable {
    public let clauses: [ConditionClause]

    public init(clauses: [ConditionClause] = []) { self.clauses = clauses }

    public var isEmpty: Bool { clauses.isEmpty }

    /// Whether all clauses hold for `context`.
    public func evaluate(_ context: ConditionValues) -> Bool {
        clauses.allSatisfy { $0.evaluate(context) }
    }

    /// Compiles a `Condition` JSON object.
    ///
    /// - Parameter variables: whether `${…}` is a policy variable (`Version` 2012-10-17).
    static func parse(_ json: OrderedJSON, variables: Bool) throws(PolicyFieldError) -> ConditionBlock {
        guard case .object(let operators) = json else { throw PolicyFieldError("Condition", "must be an object, got \(json.typeName)") }
        var clauses: [ConditionClause] = []
        for (name, body) in operators {
            let path = "Condition.\(name)"
            guard let conditionOperator = ConditionOperator(parsing: name) else {
                throw PolicyFieldError(path, "unknown condition operator \"\(name)\"")
            }
            guard case .object(let keys) = body else { throw PolicyFieldError(path, "must be an object, got \(body.typeName)") }
            guard !keys.isEmpty else { throw PolicyFieldError(path, "must name at least one condition key") }
            var seenKeys = Set<String>()
            for (key, rawValues) in keys {
                let keyPath = "\(path).\(key)"
                guard !key.isEmpty else { throw PolicyFieldError(keyPath, "condition key must not be empty") }
                guard seenKeys.insert(key.lowercased()).inserted else {
                    throw PolicyFieldError(keyPath, "condition key repeated (keys are case-insensitive)")
                }
                let texts = try conditionValueTexts(rawValues, path: keyPath)
                let compiled = try compile(texts, for: conditionOperator, variables: variables, path: keyPath)
                clauses.append(ConditionClause(conditionOperator: conditionOperator, key: key, values: compiled))
            }
        }
        return ConditionBlock(clauses: clauses)
    }

    /// Condition values may be strings, numbers or booleans, alone or in a non-empty array.
    private static func conditionValueTexts(_ json: OrderedJSON, path: String) throws(PolicyFieldError) -> [String] {
        func text(_ value: OrderedJSON) throws(PolicyFieldError) -> String {
            switch value {
            case .string(let string): return string
            case .number(let number): return number
            case .bool(let bool): return bool ? "true" : "false"
            default: throw PolicyFieldError(path, "values must be strings, numbers or booleans, got \(value.typeName)")
            }
        }
        guard case .array(let elements) = json else { return [try text(json)] }
        guard !elements.isEmpty else { throw PolicyFieldError(path, "must list at least one value") }
        var texts: [String] = []
        for element in elements { texts.append(try text(element)) }
        return texts
    }

    private static func compile(
        _ texts: [String],
        for conditionOperator: ConditionOperator,
        variables: Bool,
        path: String
    ) throws(PolicyFieldError) -> ConditionClause.Values {
        func templates() throws(PolicyFieldError) -> [ValueTemplate] {
            var result: [ValueTemplate] = []
            for text in texts {
                do {
                    result.append(try ValueTemplate(parsing: text, variables: variables))
                } catch {
                    throw PolicyFieldError(path, error.message)
                }
            }
            return result
        }
        func each<T>(_ kind: String, _ parse: (String) -> T?) throws(PolicyFieldError) -> [T] {
            var result: [T] = []
            for text in texts {
                guard let value = parse(text) else { throw PolicyFieldError(path, "\"\(text)\" is not \(kind)") }
                result.append(value)
            }
            return result
        }
        switch conditionOperator.base {
        case .stringEquals, .stringNotEquals:
            return .string(try templates())
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase:
            return .stringIgnoreCase(try templates())
        case .stringLike, .stringNotLike:
            return .stringLike(try templates().map { TemplatePattern($0) })
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
            .numericGreaterThanEquals:
            return .numeric(try each("a number", ConditionClause.parseNumber))
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            return .date(try each("an ISO-8601 date or epoch seconds", PolicyDate.parse))
        case .bool:
            return .bool(try each("\"true\" or \"false\"", ConditionClause.parseBool))
        case .binaryEquals:
            return .binary(try each("base64", Base64.decode))
        case .ipAddress, .notIpAddress:
            return .ip(try each("an IP address or CIDR block", IPAddressRange.init))
        case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
            var patterns: [ArnPattern] = []
            for template in try templates() {
                do {
                    patterns.append(try ArnPattern(template, variablesOnlyInResource: false))
                } catch {
                    throw PolicyFieldError(path, error.message)
                }
            }
            return .arn(patterns)
        case .null:
            return .null(try each("\"true\" or \"false\"", ConditionClause.parseBool))
        }
    }
}
