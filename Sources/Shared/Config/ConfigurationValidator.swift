/// Checks values the decoder cannot: ranges, formats and cross references.
///
/// File existence for keys and policies is checked by the components that load them, which
/// report through the same `ConfigurationError`.
struct ConfigurationValidator {
    let config: PortcullisConfiguration

    init(_ config: PortcullisConfiguration) { self.config = config }

    func validate() throws {
        if ListenAddress(parsing: config.sts.listen) == nil {
            throw config.error("sts.listen", "expected host:port, got '\(config.sts.listen)'")
        }
        if ListenAddress(parsing: config.s3.listen) == nil {
            throw config.error("s3.listen", "expected host:port, got '\(config.s3.listen)'")
        }
        if ListenAddress(parsing: config.s3.adminListen) == nil {
            throw config.error("s3.adminListen", "expected host:port, got '\(config.s3.adminListen)'")
        }
        let account = config.sts.accountId
        if account.utf8.count != 12 || !account.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            throw config.error("sts.accountId", "must be 12 digits, got '\(account)'")
        }
        if !(900...43200).contains(config.sts.defaultSessionDuration) {
            throw config.error("sts.defaultSessionDuration", "must be between 900 and 43200 seconds")
        }
        if !(0...86400).contains(config.s3.maxClockSkewSeconds) {
            throw config.error("s3.maxClockSkewSeconds", "must be between 0 and 86400")
        }
        for (index, domain) in config.s3.baseDomains.enumerated() {
            let valid = !domain.isEmpty && domain == domain.lowercased() && !domain.contains(":") && !domain.contains("/")
                && !domain.hasPrefix(".") && !domain.hasSuffix(".")
            if !valid {
                throw config.error("s3.baseDomains[\(index)]", "expected a lowercase host name without port, got '\(domain)'")
            }
        }
        for (index, cidr) in config.s3.trustedProxies.enumerated() where IPAddressRange(cidr) == nil {
            throw config.error("s3.trustedProxies[\(index)]", "expected an IPv4 or IPv6 address or CIDR, got '\(cidr)'")
        }
        for (name, limit) in [("perSourceIp", config.sts.rateLimits.perSourceIp), ("perProvider", config.sts.rateLimits.perProvider)] {
            if !(limit.requestsPerSecond >= 0) || !limit.requestsPerSecond.isFinite {
                throw config.error("sts.rateLimits.\(name).requestsPerSecond", "must be a number ≥ 0 (0 turns the limit off)")
            }
            if limit.burst < 1 { throw config.error("sts.rateLimits.\(name).burst", "must be at least 1") }
        }
        try validateKeys()
        try validateProviders()
        try validateRoles()
        try validateManagedPolicies()
        try validateBackends()
    }

    private func validateKeys() throws {
        let keys = config.sessionKeys
        var seen = Set<String>()
        for (index, key) in keys.derivation.enumerated() {
            if key.id.isEmpty { throw config.error("sessionKeys.derivation[\(index)].id", "must not be empty") }
            if !seen.insert(key.id).inserted {
                throw config.error("sessionKeys.derivation[\(index)].id", "duplicate id '\(key.id)'")
            }
        }
        if let active = keys.activeDerivation, !seen.contains(active) {
            throw config.error("sessionKeys.activeDerivation", "no derivation key has id '\(active)'")
        }
        seen = []
        for (index, key) in keys.verification.enumerated() {
            if key.id.isEmpty { throw config.error("sessionKeys.verification[\(index)].id", "must not be empty") }
            if !seen.insert(key.id).inserted {
                throw config.error("sessionKeys.verification[\(index)].id", "duplicate id '\(key.id)'")
            }
        }
        if config.devIssuer.enabled && config.devIssuer.keyFile.isEmpty {
            throw config.error("devIssuer.keyFile", "required when devIssuer.enabled is true")
        }
    }

    private func validateProviders() throws {
        var issuers = Set<String>()
        for (index, provider) in config.providers.enumerated() {
            let field = "providers[\(index)]"
            if !(provider.issuer.hasPrefix("https://") || provider.issuer.hasPrefix("http://")) {
                throw config.error("\(field).issuer", "must be an http(s) URL, got '\(provider.issuer)'")
            }
            if !issuers.insert(provider.issuer).inserted {
                throw config.error("\(field).issuer", "issuer '\(provider.issuer)' is configured twice")
            }
            if provider.audiences.isEmpty || provider.audiences.contains(where: \.isEmpty) {
                throw config.error("\(field).audiences", "at least one non-empty audience is required")
            }
            if provider.algorithms.isEmpty {
                throw config.error("\(field).algorithms", "at least one algorithm is required")
            }
            for (i, alg) in provider.algorithms.enumerated() where !ProviderSettings.supportedAlgorithms.contains(alg) {
                if ProviderSettings.sharedSecretAlgorithms.contains(alg) {
                    if provider.sharedSecret == nil {
                        throw config.error("\(field).algorithms[\(i)]", "'\(alg)' is refused unless \(field).sharedSecret is configured")
                    }
                    continue
                }
                throw config.error(
                    "\(field).algorithms[\(i)]",
                    "unsupported algorithm '\(alg)'; supported: \(ProviderSettings.supportedAlgorithms.sorted().joined(separator: ", ")), and HS256/384/512 with a sharedSecret"
                )
            }
            if provider.sharedSecret != nil && !provider.algorithms.contains(where: ProviderSettings.sharedSecretAlgorithms.contains) {
                throw config.error("\(field).sharedSecret", "is set but algorithms lists no HS256, HS384 or HS512")
            }
            if !(1...3600).contains(provider.keyRefreshCooldownSeconds) {
                throw config.error("\(field).keyRefreshCooldownSeconds", "must be between 1 and 3600")
            }
            if let claims = provider.sessionClaims {
                if claims.count > ProviderSettings.maximumSessionClaims {
                    throw config.error("\(field).sessionClaims", "lists \(claims.count) claims; at most \(ProviderSettings.maximumSessionClaims)")
                }
                for (i, claim) in claims.enumerated() where claim.isEmpty || claim.utf8.count > 128 {
                    throw config.error("\(field).sessionClaims[\(i)]", "must be a claim name of 1 to 128 bytes")
                }
            }
            if !(0...600).contains(provider.leewaySeconds) {
                throw config.error("\(field).leewaySeconds", "must be between 0 and 600")
            }
            if let maxAge = provider.maxTokenAgeSeconds, maxAge < 1 {
                throw config.error("\(field).maxTokenAgeSeconds", "must be at least 1 second")
            }
        }
    }

    private func validateRoles() throws {
        var arns = Set<String>()
        for (index, role) in config.roles.enumerated() {
            let field = "roles[\(index)]"
            guard let parsed = RoleARN(role.arn) else {
                throw config.error("\(field).arn", "expected arn:aws:iam::<12-digit account>:role/<name>, got '\(role.arn)'")
            }
            if parsed.accountId != config.sts.accountId {
                throw config.error("\(field).arn", "account \(parsed.accountId) differs from sts.accountId \(config.sts.accountId)")
            }
            if !arns.insert(role.arn).inserted {
                throw config.error("\(field).arn", "role '\(role.arn)' is configured twice")
            }
            if role.trustPolicy.isEmpty {
                throw config.error("\(field).trustPolicy", "required: a role without a trust policy cannot be assumed")
            }
            if role.policies.isEmpty {
                throw config.error("\(field).policies", "at least one permission policy file is required")
            }
            if !(3600...43200).contains(role.maxSessionDuration) {
                throw config.error("\(field).maxSessionDuration", "must be between 3600 and 43200 seconds, as in IAM")
            }
        }
    }

    private func validateManagedPolicies() throws {
        var arns = Set<String>()
        for (index, policy) in config.managedPolicies.enumerated() {
            let field = "managedPolicies[\(index)]"
            guard ManagedPolicySettings.isPolicyARN(policy.arn) else {
                throw config.error("\(field).arn", "expected arn:aws:iam::<12-digit account>:policy/<name>, got '\(policy.arn)'")
            }
            if !arns.insert(policy.arn).inserted {
                throw config.error("\(field).arn", "policy '\(policy.arn)' is configured twice")
            }
            if policy.file.isEmpty { throw config.error("\(field).file", "required") }
        }
    }
}
