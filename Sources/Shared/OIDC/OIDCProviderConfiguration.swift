/// One trusted OpenID Connect identity provider.
///
/// A plain value so that the configuration loader can build it from YAML; ``validate()`` reports
/// what is wrong in words the loader can prefix with the field path.
public struct OIDCProviderConfiguration: Sendable, Hashable {
    /// A short name for logs and metrics.
    public var name: String
    /// The issuer URL exactly as the IdP writes it in `iss` (no normalisation: a trailing slash
    /// matters, OpenID Connect Discovery §4.3).
    public var issuer: String
    /// Client IDs accepted in `aud` (and in `azp` when a token names several audiences).
    public var audiences: [String]
    /// JWS algorithms accepted from this issuer. The allow-list comes from configuration, never
    /// from the token header (RFC 8725 §3.1). Values: RS256/384/512, PS256/384/512, ES256/384, EdDSA,
    /// and HS256/384/512 only together with ``sharedSecret``.
    public var allowedAlgorithms: [String]
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
    public var clockLeewaySeconds: Int
    /// Fetch keys from here instead of the discovery document's `jwks_uri`. Discovery is then skipped.
    public var jwksURI: String?
    /// Refuse tokens issued longer ago than this (by `iat`, which they must then carry); `nil`
    /// accepts any age until `exp`.
    public var maxTokenAgeSeconds: Int?
    /// The secret for HS* tokens. Without it HS* is refused; with it, HS* tokens are verified with
    /// this secret only, never with a JWKS key.
    public var sharedSecret: OIDCSharedSecret?
    /// The least time between two key downloads triggered by tokens naming an unknown `kid`.
    public var keyRefreshCooldownSeconds: Int

    public init(
        name: String,
        issuer: String,
        audiences: [String],
        allowedAlgorithms: [String] = ["RS256", "ES256"],
        clockLeewaySeconds: Int = 60,
        jwksURI: String? = nil,
        maxTokenAgeSeconds: Int? = nil,
        sharedSecret: OIDCSharedSecret? = nil,
        keyRefreshCooldownSeconds: Int = 30
    ) {
        self.name = name
        self.issuer = issuer
        self.audiences = audiences
        self.allowedAlgorithms = allowedAlgorithms
        self.clockLeewaySeconds = clockLeewaySeconds
        self.jwksURI = jwksURI
        self.maxTokenAgeSeconds = maxTokenAgeSeconds
        self.sharedSecret = sharedSecret
        self.keyRefreshCooldownSeconds = keyRefreshCooldownSeconds
    }

    /// The validated allow-list, split by how a token of each kind is verified.
    public struct Algorithms: Sendable, Hashable {
        /// Verified with keys from the issuer's JWKS.
        public var published: [JWSAlgorithm] = []
        /// Verified with ``OIDCProviderConfiguration/sharedSecret``.
        public var sharedSecret: [SharedSecretAlgorithm] = []

        /// Whether this provider needs its JWKS at all.
        public var needsKeySet: Bool { !published.isEmpty }
    }

    /// The URL of the discovery document: `<issuer>/.well-known/openid-configuration`, with a
    /// trailing slash on the issuer not doubled (OpenID Connect Discovery §4.1).
    public var discoveryURL: String {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        return base + "/.well-known/openid-configuration"
    }

    /// Checks the configuration and returns the parsed algorithm allow-list.
    ///
    /// - Throws: ``OIDCConfigurationError`` naming the offending field.
    @discardableResult
    public func validate() throws(OIDCConfigurationError) -> Algorithms {
        guard !name.isEmpty else { throw .init(field: "name", problem: "must not be empty") }
        guard Self.isHTTPURL(issuer) else {
            throw .init(field: "issuer", problem: "must be an http(s) URL, got \"\(issuer)\"")
        }
        guard !audiences.isEmpty, !audiences.contains(where: \.isEmpty) else {
            throw .init(field: "audiences", problem: "must list at least one non-empty client ID")
        }
        guard !allowedAlgorithms.isEmpty else {
            throw .init(field: "allowedAlgorithms", problem: "must list at least one algorithm")
        }
        var algorithms = Algorithms()
        for entry in allowedAlgorithms {
            if let algorithm = JWSAlgorithm(rawValue: entry) {
                if !algorithms.published.contains(algorithm) { algorithms.published.append(algorithm) }
            } else if let algorithm = SharedSecretAlgorithm(rawValue: entry) {
                guard let sharedSecret else {
                    throw .init(field: "allowedAlgorithms", problem: "\"\(entry)\" is refused unless a shared secret is configured for this provider")
                }
                guard sharedSecret.count >= algorithm.minimumSecretBytes else {
                    throw .init(
                        field: "sharedSecret",
                        problem: "\(entry) needs a secret of at least \(algorithm.minimumSecretBytes) bytes, got \(sharedSecret.count)")
                }
                if !algorithms.sharedSecret.contains(algorithm) { algorithms.sharedSecret.append(algorithm) }
            } else {
                let why = entry.lowercased() == "none"
                    ? "is refused (unsigned tokens are never accepted)"
                    : "is not supported (use RS256/384/512, PS256/384/512, ES256/384, EdDSA, or HS256/384/512 with a shared secret)"
                throw .init(field: "allowedAlgorithms", problem: "\"\(entry)\" \(why)")
            }
        }
        if sharedSecret != nil && algorithms.sharedSecret.isEmpty {
            throw .init(field: "sharedSecret", problem: "is set but the algorithms list no HS256, HS384 or HS512")
        }
        guard (1...3600).contains(keyRefreshCooldownSeconds) else {
            throw .init(field: "keyRefreshCooldownSeconds", problem: "must be between 1 and 3600")
        }
        guard (0...3600).contains(clockLeewaySeconds) else {
            throw .init(field: "clockLeewaySeconds", problem: "must be between 0 and 3600")
        }
        if let jwksURI, !Self.isHTTPURL(jwksURI) {
            throw .init(field: "jwksURI", problem: "must be an http(s) URL, got \"\(jwksURI)\"")
        }
        return algorithms
    }

    private static func isHTTPURL(_ text: String) -> Bool {
        (text.hasPrefix("https://") && text.utf8.count > 8) || (text.hasPrefix("http://") && text.utf8.count > 7)
    }
}

/// A configuration problem found by ``OIDCProviderConfiguration/validate()``.
public struct OIDCConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field, relative to the provider entry (`issuer`, `allowedAlgorithms`, …).
    public var field: String
    public var problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field): \(problem)" }
}
