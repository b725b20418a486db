/// One compiled policy statement.
///
/// `NotAction`, `NotResource` and `NotPrincipal` are honoured exactly: the statement applies to
/// everything **except** what they list. Ignoring them fails open (fakes3pp parses and drops them).
public struct Statement: Sendable, Hashable {
    public enum Effect: String, Sendable, Hashable {
        case allow = "Allow"
        case deny = "Deny"
    }

    /// `Action` or `NotAction`; actions compare case-insensitively.
    public enum Actions: Sendable, Hashable {
        case only([WildcardPattern])
        case except([WildcardPattern])
    }

    /// `Resource` or `NotResource`; absent in trust policies, where any resource applies.
    public enum Resources: Sendable, Hashable {
        case only([ArnPattern])
        case except([ArnPattern])
        case unspecified
    }

    /// `Principal` or `NotPrincipal`; absent in identity policies, where the caller is implied.
    public enum Principals: Sendable, Hashable {
        /// `"*"`: everyone, including anonymous callers.
        case anyone
        /// Principal type (`Federated`, `AWS`, `Service`, `CanonicalUser`) → identifiers.
        case only([String: [String]])
        case except([String: [String]])
        case unspecified
    }

    /// Where the statement sits: for explanations and error messages.
    public let reference: StatementReference
    public let effect: Effect
    public let actions: Actions
    public let resources: Resources
    public let principals: Principals
    public let conditions: ConditionBlock

    public init(
        reference: StatementReference,
        effect: Effect,
        actions: Actions,
        resources: Resources = .unspecified,
        principals: Principals = .unspecified,
        conditions: ConditionBlock = ConditionBlock()
    ) {
        self.reference = reference
        self.effect = effect
        self.actions = actions
        self.resources = resources
        self.principals = principals
        self.conditions = conditions
    }

    /// Whether the statement applies to one (action, resource) pair of `context`.
    ///
    /// Cheapest tests first: action, resource, principal, then conditions.
    public func applies(to request: AccessRequest, in context: AuthorizationContext) -> Bool {
        appliesToAction(request.action) && appliesToResource(request.resource, context.conditionValues)
            && appliesToPrincipal(context.principals) && conditionsHold(in: context)
    }

    /// The condition block, with ``AuthorizationContext/undeterminedConditionKeys`` read as
    /// satisfiable for an `Allow` and unmet for a `Deny`.
    func conditionsHold(in context: AuthorizationContext) -> Bool {
        guard !context.undeterminedConditionKeys.isEmpty else { return conditions.evaluate(context.conditionValues) }
        return conditions.clauses.allSatisfy { clause in
            let undetermined = context.undeterminedConditionKeys.contains(clause.lookupKey)
            if undetermined, (context.conditionValues.lowercasedLookup(clause.lookupKey) ?? []).isEmpty {
                return effect == .allow
            }
            return clause.evaluate(context.conditionValues)
        }
    }

    func appliesToAction(_ action: String) -> Bool {
        switch actions {
        case .only(let patterns): patterns.contains { $0.matches(action) }
        case .except(let patterns): !patterns.contains { $0.matches(action) }
        }
    }

    /// An unresolvable variable in `Resource` matches nothing. Under `NotResource` the outcome is
    /// unknowable, so it fails closed: an `Allow` does not apply and a `Deny` does.
    func appliesToResource(_ resource: String, _ values: ConditionValues) -> Bool {
        switch resources {
        case .unspecified:
            return true
        case .only(let patterns):
            return patterns.contains { $0.match(resource, values: values) == .match }
        case .except(let patterns):
            var unresolvable = false
            for pattern in patterns {
                switch pattern.match(resource, values: values) {
                case .match: return false
                case .unresolvable: unresolvable = true
                case .noMatch: break
                }
            }
            return unresolvable ? effect == .deny : true
        }
    }

    func appliesToPrincipal(_ callers: [String: [String]]) -> Bool {
        switch principals {
        case .unspecified, .anyone: true
        case .only(let listed): Self.principal(callers, matches: listed)
        case .except(let listed): !Self.principal(callers, matches: listed)
        }
    }

    /// Principals compare exactly (no wildcards, as in AWS), except that the identifier `"*"`
    /// matches any caller of that type.
    private static func principal(_ callers: [String: [String]], matches listed: [String: [String]]) -> Bool {
        for (type, identifiers) in listed {
            guard let callerIdentifiers = callers[type], !callerIdentifiers.isEmpty else { continue }
            if identifiers.contains("*") { return true }
            if identifiers.contains(where: callerIdentifiers.contains) { return true }
        }
        return false
    }
}
