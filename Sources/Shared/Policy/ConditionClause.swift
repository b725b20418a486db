/// One `"Operator": {"key": values}` entry of a `Condition` block, compiled.
///
/// The values are parsed for their operator at load time (numbers, dates, CIDR blocks, base64,
/// patterns), so evaluation only parses the request's values.
public struct ConditionClause: Sendable, Hashable, CustomStringConvertible {
    /// Policy values, compiled per operator family.
    enum Values: Sendable, Hashable {
        case string([ValueTemplate])
        /// Lower-cased at load time when constant.
        case stringIgnoreCase([ValueTemplate])
        case stringLike([TemplatePattern])
        case numeric([Double])
        case date([Double])
        case bool([Bool])
        case binary([[UInt8]])
        case ip([IPAddressRange])
        case arn([ArnPattern])
        case null([Bool])
    }

    public let conditionOperator: ConditionOperator
    /// The key as written in the policy.
    public let key: String
    /// The key lower-cased, for lookups.
    let lookupKey: String
    let values: Values

    init(conditionOperator: ConditionOperator, key: String, values: Values) {
        self.conditionOperator = conditionOperator
        self.key = key
        self.lookupKey = key.lowercased()
        self.values = values
    }

    public var description: String { "\(conditionOperator) \(key)" }

    /// Evaluates the clause against the request's condition values.
    ///
    /// - Missing key (absent or no values): `Null` answers it; `IfExists` makes it true;
    ///   `ForAnyValue:` is false, `ForAllValues:` true; otherwise a positive operator is false
    ///   and a negated one true.
    /// - Several policy values are OR'ed; under a negated operator the request value must match none.
    /// - Without a set qualifier, a multi-valued key needs one matching value (positive) or
    ///   no matching value at all (negated).
    public func evaluate(_ context: ConditionValues) -> Bool {
        let requestValues = context.lowercasedLookup(lookupKey) ?? []
        if case .null(let expectAbsent) = values {
            return expectAbsent.contains(requestValues.isEmpty)
        }
        let negated = conditionOperator.isNegated
        if requestValues.isEmpty {
            if conditionOperator.ifExists { return true }
            switch conditionOperator.qualifier {
            case .forAnyValue: return false
            case .forAllValues: return true
            case nil: return negated
            }
        }
        // A request value that cannot be read for this operator (not a number, not an IP)
        // satisfies neither the operator nor its negation.
        func satisfies(_ value: String) -> Bool {
            guard let matched = matchesAnyPolicyValue(value, context: context) else { return false }
            return negated ? !matched : matched
        }
        switch conditionOperator.qualifier {
        case .forAllValues: return requestValues.allSatisfy(satisfies)
        case .forAnyValue: return requestValues.contains(where: satisfies)
        case nil: return negated ? requestValues.allSatisfy(satisfies) : requestValues.contains(where: satisfies)
        }
    }

    /// Whether one request value matches any policy value under the positive form of the
    /// operator; `nil` if the request value is not of the operator's type.
    private func matchesAnyPolicyValue(_ value: String, context: ConditionValues) -> Bool? {
        switch values {
        case .string(let templates):
            return templates.contains { $0.resolvedText(in: context) == value }
        case .stringIgnoreCase(let templates):
            let folded = value.lowercased()
            return templates.contains { $0.resolvedText(in: context)?.lowercased() == folded }
        case .stringLike(let patterns):
            return patterns.contains { $0.match(value, values: context) == .match }
        case .numeric(let numbers):
            guard let number = Self.parseNumber(value) else { return nil }
            return numbers.contains { compare(number, $0) }
        case .date(let dates):
            guard let date = PolicyDate.parse(value) else { return nil }
            return dates.contains { compare(date, $0) }
        case .bool(let booleans):
            guard let boolean = Self.parseBool(value) else { return nil }
            return booleans.contains(boolean)
        case .binary(let blobs):
            guard let bytes = Base64.decode(value) else { return nil }
            return blobs.contains(bytes)
        case .ip(let ranges):
            guard let address = IPAddressRange.parseAddress(Substring(value)) else { return nil }
            return ranges.contains { $0.contains(address) }
        case .arn(let patterns):
            return patterns.contains { $0.match(value, values: context) == .match }
        case .null:
            return nil
        }
    }

    /// Compares a request number or date with a policy one under the operator's relation.
    private func compare(_ request: Double, _ policy: Double) -> Bool {
        switch conditionOperator.base {
        case .numericLessThan, .dateLessThan: request < policy
        case .numericLessThanEquals, .dateLessThanEquals: request <= policy
        case .numericGreaterThan, .dateGreaterThan: request > policy
        case .numericGreaterThanEquals, .dateGreaterThanEquals: request >= policy
        default: request == policy  // …Equals and …NotEquals (negated by the caller)
        }
    }

    /// A decimal number (`10`, `-2.5`, `1e3`); rejects `inf`, `nan` and hex, which `Double(_:)` accepts.
    static func parseNumber(_ text: String) -> Double? {
        guard !text.isEmpty,
            text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || "+-.eE".utf8.contains($0) })
        else { return nil }
        return Double(text)
    }

    /// `true` or `false`, any case.
    static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }
}
