/// Turns a policy document into a compiled ``Policy``, strictly.
///
/// The grammar follows AWS `reference_policies_grammar`: the top level has `Version`, `Id` and
/// `Statement` (an object or an array); each statement has `Sid`, `Effect`, exactly one of
/// `Action`/`NotAction`, the `Resource`/`Principal` elements its ``Policy/Kind`` requires, and an
/// optional `Condition`. Every value is a string or an array of strings.
struct PolicyParser {
    let source: String
    let kind: Policy.Kind

    func parse(_ bytes: [UInt8]) throws(PolicyError) -> Policy {
        let document: OrderedJSON
        do {
            document = try StrictJSONReader.parse(bytes)
        } catch {
            throw PolicyError(source: source, message: "invalid JSON at line \(error.line), column \(error.column): \(error.message)")
        }
        guard case .object(let members) = document else {
            throw PolicyError(source: source, message: "a policy must be a JSON object, got \(document.typeName)")
        }
        var version = Policy.Version.v2008_10_17
        var id: String?
        var statementJSON: OrderedJSON?
        for (key, value) in members {
            switch key {
            case "Version":
                guard case .string(let text) = value, let parsed = Policy.Version(rawValue: text) else {
                    throw PolicyError(source: source, field: key, message: "must be \"2012-10-17\" or \"2008-10-17\", got \(Self.show(value))")
                }
                version = parsed
            case "Id":
                guard case .string(let text) = value else {
                    throw PolicyError(source: source, field: key, message: "must be a string, got \(value.typeName)")
                }
                id = text
            case "Statement":
                statementJSON = value
            default:
                throw PolicyError(source: source, field: key, message: "unknown element" + Self.hint(key, ["Version", "Id", "Statement"]))
            }
        }
        let elements: [OrderedJSON]
        switch statementJSON {
        case .object?: elements = [statementJSON!]
        case .array(let list)?: elements = list
        case nil: throw PolicyError(source: source, field: "Statement", message: "is required")
        case let other?: throw PolicyError(source: source, field: "Statement", message: "must be an object or an array, got \(other.typeName)")
        }
        guard !elements.isEmpty else { throw PolicyError(source: source, field: "Statement", message: "must not be empty") }
        var statements: [Statement] = []
        var sids = Set<String>()
        for (index, element) in elements.enumerated() {
            let statement = try parseStatement(element, index: index, variables: version.supportsVariables)
            if let sid = statement.reference.sid, !sids.insert(sid).inserted {
                throw PolicyError(source: source, statementIndex: index, sid: sid, field: "Sid", message: "repeats an earlier statement's Sid")
            }
            statements.append(statement)
        }
        return Policy(source: source, kind: kind, version: version, id: id, statements: statements)
    }

    private static let statementElements = [
        "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition",
    ]

    private func parseStatement(_ json: OrderedJSON, index: Int, variables: Bool) throws(PolicyError) -> Statement {
        guard case .object(let members) = json else {
            throw PolicyError(source: source, statementIndex: index, message: "a statement must be an object, got \(json.typeName)")
        }
        var sid: String?
        if let raw = members.first(where: { $0.key == "Sid" })?.value {
            guard case .string(let text) = raw else {
                throw PolicyError(source: source, statementIndex: index, field: "Sid", message: "must be a string, got \(raw.typeName)")
            }
            sid = text
        }
        do {
            return try parseStatementBody(members, reference: StatementReference(source: source, index: index, sid: sid), variables: variables)
        } catch {
            throw PolicyError(source: source, statementIndex: index, sid: sid, field: error.field, message: error.message)
        }
    }

    private func parseStatementBody(
        _ members: [(key: String, value: OrderedJSON)],
        reference: StatementReference,
        variables: Bool
    ) throws(PolicyFieldError) -> Statement {
        var fields: [String: OrderedJSON] = [:]
        for (key, value) in members {
            guard Self.statementElements.contains(key) else {
                throw PolicyFieldError(key, "unknown element" + Self.hint(key, Self.statementElements))
            }
            fields[key] = value
        }
        guard let effectJSON = fields["Effect"] else { throw PolicyFieldError("Effect", "is required") }
        guard case .string(let effectText) = effectJSON, let effect = Statement.Effect(rawValue: effectText) else {
            throw PolicyFieldError("Effect", "must be \"Allow\" or \"Deny\", got \(Self.show(effectJSON))")
        }
        let actions: Statement.Actions
        switch (fields["Action"], fields["NotAction"]) {
        case (let list?, nil): actions = .only(try Self.actionPatterns(list, field: "Action"))
        case (nil, let list?): actions = .except(try Self.actionPatterns(list, field: "NotAction"))
        case (nil, nil): throw PolicyFieldError("Action", "a statement needs Action or NotAction")
        case (.some, .some): throw PolicyFieldError("NotAction", "a statement cannot have both Action and NotAction")
        }
        let resources = try parseResources(fields["Resource"], fields["NotResource"], variables: variables)
        let principals = try parsePrincipals(fields["Principal"], fields["NotPrincipal"])
        let conditions = try fields["Condition"].map { (json) throws(PolicyFieldError) in try ConditionBlock.parse(json, variables: variables) }
        return Statement(
            reference: reference,
            effect: effect,
            actions: actions,
            resources: resources,
            principals: principals,
            conditions: conditions ?? ConditionBlock()
        )
    }

    private func parseResources(_ resource: OrderedJSON?, _ notResource: OrderedJSON?, variables: Bool) throws(PolicyFieldError) -> Statement.Resources {
        if kind == .trust {
            if resource != nil { throw PolicyFieldError("Resource", "a trust policy names no Resource") }
            if notResource != nil { throw PolicyFieldError("NotResource", "a trust policy names no NotResource") }
            return .unspecified
        }
        switch (resource, notResource) {
        case (let list?, nil): return .only(try Self.resourcePatterns(list, field: "Resource", variables: variables))
        case (nil, let list?): return .except(try Self.resourcePatterns(list, field: "NotResource", variables: variables))
        case (nil, nil): throw PolicyFieldError("Resource", "a statement needs Resource or NotResource")
        case (.some, .some): throw PolicyFieldError("NotResource", "a statement cannot have both Resource and NotResource")
        }
    }

    private func parsePrincipals(_ principal: OrderedJSON?, _ notPrincipal: OrderedJSON?) throws(PolicyFieldError) -> Statement.Principals {
        if kind == .identity {
            if principal != nil { throw PolicyFieldError("Principal", "an identity policy names no Principal") }
            if notPrincipal != nil { throw PolicyFieldError("NotPrincipal", "an identity policy names no NotPrincipal") }
            return .unspecified
        }
        switch (principal, notPrincipal) {
        case (.string("*")?, nil): return .anyone
        case (let map?, nil): return .only(try Self.principalMap(map, field: "Principal"))
        case (nil, let map?): return .except(try Self.principalMap(map, field: "NotPrincipal"))
        case (nil, nil): throw PolicyFieldError("Principal", "a statement needs Principal or NotPrincipal")
        case (.some, .some): throw PolicyFieldError("NotPrincipal", "a statement cannot have both Principal and NotPrincipal")
        }
    }

    private static let principalTypes = ["AWS", "Federated", "Service", "CanonicalUser"]

    private static func principalMap(_ json: OrderedJSON, field: String) throws(PolicyFieldError) -> [String: [String]] {
        guard case .object(let members) = json else {
            throw PolicyFieldError(field, "must be \"*\" or an object such as {\"Federated\": \"...\"}, got \(show(json))")
        }
        guard !members.isEmpty else { throw PolicyFieldError(field, "must name at least one principal") }
        var map: [String: [String]] = [:]
        for (type, value) in members {
            guard principalTypes.contains(type) else {
                throw PolicyFieldError("\(field).\(type)", "unknown principal type" + hint(type, principalTypes))
            }
            map[type] = try stringList(value, field: "\(field).\(type)")
        }
        return map
    }

    /// A string or a non-empty array of strings.
    static func stringList(_ json: OrderedJSON, field: String) throws(PolicyFieldError) -> [String] {
        switch json {
        case .string(let text):
            return [text]
        case .array(let elements):
            guard !elements.isEmpty else { throw PolicyFieldError(field, "must not be an empty array") }
            var texts: [String] = []
            for element in elements {
                guard case .string(let text) = element else {
                    throw PolicyFieldError(field, "array elements must be strings, got \(element.typeName)")
                }
                texts.append(text)
            }
            return texts
        default:
            throw PolicyFieldError(field, "must be a string or an array of strings, got \(json.typeName)")
        }
    }

    /// `*` or `service:Name` (wildcards allowed in the name), compiled case-insensitively.
    private static func actionPatterns(_ json: OrderedJSON, field: String) throws(PolicyFieldError) -> [WildcardPattern] {
        var patterns: [WildcardPattern] = []
        for action in try stringList(json, field: field) {
            if action != "*" {
                let parts = action.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let serviceOK = parts.count == 2 && !parts[0].isEmpty
                    && parts[0].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                guard serviceOK, !parts[1].isEmpty else {
                    throw PolicyFieldError(field, "\"\(action)\" is not an action: expected \"*\" or \"service:Name\" such as \"s3:GetObject\"")
                }
            }
            patterns.append(WildcardPattern(action, caseInsensitive: true))
        }
        return patterns
    }

    /// `*` or an ARN with at least six segments; variables allowed after the fifth colon.
    private static func resourcePatterns(_ json: OrderedJSON, field: String, variables: Bool) throws(PolicyFieldError) -> [ArnPattern] {
        var patterns: [ArnPattern] = []
        for resource in try stringList(json, field: field) {
            guard resource == "*" || (resource.hasPrefix("arn:") && resource.utf8.count(where: { $0 == UInt8(ascii: ":") }) >= 5) else {
                throw PolicyFieldError(field, "\"\(resource)\" is not \"*\" or an ARN such as \"arn:aws:s3:::bucket/*\"")
            }
            do {
                let template = try ValueTemplate(parsing: resource, variables: variables)
                patterns.append(try ArnPattern(template, variablesOnlyInResource: true))
            } catch {
                throw PolicyFieldError(field, error.message)
            }
        }
        return patterns
    }

    /// A JSON value for messages: strings quoted, other types named.
    static func show(_ json: OrderedJSON) -> String {
        if case .string(let text) = json { return "\"\(text)\"" }
        return json.typeName
    }

    /// ` (did you mean "X"?)` when `key` differs from a known name only by case or a trailing `s`.
    static func hint(_ key: String, _ known: [String]) -> String {
        let folded = key.lowercased()
        let match = known.first { name in
            let candidate = name.lowercased()
            return candidate == folded || candidate + "s" == folded || candidate == folded + "s"
        }
        return match.map { " (did you mean \"\($0)\"?)" } ?? ""
    }
}
