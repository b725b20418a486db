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
    /// from the token header (RFC 8725 §3.1). Values: RS256/384/512, PS256/384/512, ES256/384, EdDSA.
    public var allowedAlgorithms: [String]
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
    public var clockLeewaySeconds: Int
    /// Fetch keys from here instead of the discovery document's `jwks_uri`. Discovery is then skipped.
    public var jwksURI: String?
    /// Refuse tokens issued longer ago than this (by `iat`, which they must then carry); `nil`
    /// accepts any age until `exp`.
    public var maxTokenAgeSeconds: Int?

    public init(
        name: String,
        issuer: String,
        audiences: [String],
        allowedAlgorithms: [String] = ["RS256", "ES256"],
        clockLeewaySeconds: Int = 60,
        jwksURI: String? = nil,
        maxTokenAgeSeconds: Int? = nil
    ) {
        self.name = name
        self.issuer = issuer
        self.audiences = audiences
        self.allowedAlgorithms = allowedAlgorithms
        self.clockLeewaySeconds = clockLeewaySeconds
        self.jwksURI = jwksURI
        self.maxTokenAgeSeconds = maxTokenAgeSeconds
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
    public func validate() throws(OIDCConfigurationError) -> [JWSAlgorithm] {
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
        var algorithms: [JWSAlgorithm] = []
        for entry in allowedAlgorithms {
            guard let algorithm = JWSAlgorithm(rawValue: entry) else {
                let why = entry.lowercased() == "none" || entry.uppercased().hasPrefix("HS")
                    ? "is refused (unsigned or shared-secret tokens are not accepted)"
                    : "is not supported (use RS256/384/512, PS256/384/512, ES256/384 or EdDSA)"
                throw .init(field: "allowedAlgorithms", problem: "\"\(entry)\" \(why)")
            }
            if !algorithms.contains(algorithm) { algorithms.append(algorithm) }
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
