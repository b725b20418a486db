#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The claim checks of OpenID Connect Core §3.1.3.7, applied after the signature verified.
///
/// jwt-kit's claim types have no leeway parameter and treat a string `exp` leniently enough to
/// be surprising, so the checks are done here on the raw JSON values: timestamps must be JSON
/// numbers, `aud` a string or an array of strings.
struct IDTokenClaimValidator: Sendable {
    let issuer: String
    let audiences: Set<String>
    let leeway: TimeInterval
    let maxTokenAge: TimeInterval?
    let providerName: String

    init(configuration: OIDCProviderConfiguration) {
        self.issuer = configuration.issuer
        self.audiences = Set(configuration.audiences)
        self.leeway = TimeInterval(configuration.clockLeewaySeconds)
        self.maxTokenAge = configuration.maxTokenAgeSeconds.map(TimeInterval.init)
        self.providerName = configuration.name
    }

    func validate(claims: [String: JSONValue], header: JOSEHeader, now: Date) throws(OIDCError) -> VerifiedIdentityToken {
        // iss: exact string equality binds the token to the key set it was verified with.
        guard let iss = claims["iss"] else { throw .missingClaim("iss") }
        guard iss.stringValue == issuer else { throw .invalidClaim("iss") }

        // aud: a string or an array; one value must be an accepted client ID.
        let tokenAudiences: [String]
        switch claims["aud"] {
        case nil, .null?:
            throw .missingClaim("aud")
        case .string(let single)?:
            tokenAudiences = [single]
        case .array(let values)?:
            let strings = values.compactMap(\.stringValue)
            guard strings.count == values.count, !strings.isEmpty else { throw .invalidClaim("aud") }
            tokenAudiences = strings
        default:
            throw .invalidClaim("aud")
        }
        guard let matched = tokenAudiences.first(where: audiences.contains) else { throw .audienceMismatch }

        // azp: with several audiences, the party the token was issued to must be one of ours too.
        var authorizedParty: String?
        switch claims["azp"] {
        case nil, .null?: authorizedParty = nil
        case .string(let azp)?: authorizedParty = azp
        default: throw .invalidClaim("azp")
        }
        if tokenAudiences.count > 1, let authorizedParty, !audiences.contains(authorizedParty) {
            throw .authorizedPartyMismatch
        }

        // exp (required), nbf and iat (optional): JSON numbers, compared with leeway.
        guard let exp = try timestamp("exp", in: claims) else { throw .missingClaim("exp") }
        guard exp > now.addingTimeInterval(-leeway) else { throw .expired(expiration: exp, now: now) }
        let nbf = try timestamp("nbf", in: claims)
        if let nbf, nbf > now.addingTimeInterval(leeway) { throw .notYetValid(notBefore: nbf) }
        let iat = try timestamp("iat", in: claims)
        if let iat, iat > now.addingTimeInterval(leeway) { throw .issuedInFuture(issuedAt: iat) }
        if let maxTokenAge {
            guard let iat else { throw .missingClaim("iat") }
            if iat < now.addingTimeInterval(-(maxTokenAge + leeway)) { throw .tooOld(issuedAt: iat) }
        }

        // sub: required and non-empty; (iss, sub) is the stable user key.
        guard let sub = claims["sub"], sub != .null else { throw .missingClaim("sub") }
        guard let subject = sub.stringValue, !subject.isEmpty else { throw .invalidClaim("sub") }

        return VerifiedIdentityToken(
            issuer: issuer,
            subject: subject,
            audience: matched,
            audiences: tokenAudiences,
            authorizedParty: authorizedParty,
            expiresAt: exp,
            issuedAt: iat,
            notBefore: nbf,
            algorithm: header.alg,
            keyID: header.kid,
            providerName: providerName,
            claims: claims
        )
    }

    /// A NumericDate claim (RFC 7519 §2): `nil` when absent, an error when not a number.
    private func timestamp(_ name: String, in claims: [String: JSONValue]) throws(OIDCError) -> Date? {
        switch claims[name] {
        case nil, .null?: return nil
        case .number(let seconds)?: return Date(timeIntervalSince1970: seconds)
        default: throw .invalidClaim(name)
        }
    }
}
