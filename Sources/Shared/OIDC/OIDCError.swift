#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why an ID token was not accepted.
///
/// The cases are fine-grained for logs and tests; ``stsError`` collapses them into the three codes
/// AWS STS clients branch on (`ExpiredTokenException`, `InvalidIdentityToken`,
/// `IDPCommunicationError`), so the STS layer only renders XML.
public enum OIDCError: Error, Sendable, Hashable {
    /// Not three base64url segments of JSON objects, or a required header field is missing.
    case malformedToken(String)
    /// The header `alg` is `none`, `HS*`, outside the issuer's allow-list, or does not fit the key.
    case unsupportedAlgorithm(String)
    /// The header carries a `crit` parameter; Portcullis understands no JWS extensions (RFC 7515 §4.1.11).
    case unsupportedCriticalHeader
    /// No configured provider has this exact issuer.
    case unknownIssuer(String)
    /// The issuer's key set has no usable key with this `kid`, even after a permitted refresh.
    case unknownKey(kid: String?)
    /// The token has no `kid` and the issuer publishes several usable keys for its `alg`,
    /// or the key set lists the same `kid` more than once.
    case ambiguousKey(kid: String?)
    /// The signature does not verify against the selected key.
    case invalidSignature
    /// `aud` names none of the accepted client IDs.
    case audienceMismatch
    /// Several audiences and an `azp` that is not an accepted client ID.
    case authorizedPartyMismatch
    /// `exp` is at or before now minus the leeway.
    case expired(expiration: Date, now: Date)
    /// `nbf` is after now plus the leeway.
    case notYetValid(notBefore: Date)
    /// `iat` is after now plus the leeway.
    case issuedInFuture(issuedAt: Date)
    /// `iat` is older than the provider's maximum token age.
    case tooOld(issuedAt: Date)
    /// A required claim (`sub`, `exp`, `iss`, `aud`) is absent.
    case missingClaim(String)
    /// A claim is present with the wrong JSON type or an empty value.
    case invalidClaim(String)
    /// Neither a cached nor a fresh key set could be obtained (network, status, size, JSON,
    /// discovery `issuer` mismatch). `reason` is for logs; the client sees a generic message.
    case keyRetrievalFailed(issuer: String, reason: String)

    /// The AWS error this failure is reported as.
    public var stsError: STSErrorDescription {
        switch self {
        case .expired(let expiration, let now):
            return .init(
                code: "ExpiredTokenException",
                message: "Token expired: current date/time \(Self.format(now)) must be before the expiration date/time \(Self.format(expiration))"
            )
        case .keyRetrievalFailed:
            return .init(
                code: "IDPCommunicationError",
                message: "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements"
            )
        case .malformedToken(let detail):
            return .invalid("The ID token is malformed: \(detail)")
        case .unsupportedAlgorithm(let alg):
            return .invalid("Unsupported or disallowed signing algorithm: \(Self.clip(alg))")
        case .unsupportedCriticalHeader:
            return .invalid("The ID token header has an unsupported crit parameter")
        case .unknownIssuer(let issuer):
            return .invalid("No OpenIDConnect provider found in your account for \(Self.clip(issuer))")
        case .unknownKey(let kid):
            return .invalid("No verification key found for kid \(kid.map(Self.clip) ?? "<none>") at the identity provider")
        case .ambiguousKey(let kid):
            return kid == nil
                ? .invalid("The ID token has no kid and the identity provider publishes several keys")
                : .invalid("The identity provider publishes several keys with kid \(Self.clip(kid!))")
        case .invalidSignature:
            return .invalid("Invalid token signature")
        case .audienceMismatch:
            return .invalid("Incorrect token audience")
        case .authorizedPartyMismatch:
            return .invalid("Incorrect token authorized party (azp)")
        case .notYetValid(let notBefore):
            return .invalid("Token is not valid before \(Self.format(notBefore))")
        case .issuedInFuture(let issuedAt):
            return .invalid("Token issued in the future (\(Self.format(issuedAt)))")
        case .tooOld(let issuedAt):
            return .invalid("Token issued too long ago (\(Self.format(issuedAt))) for this provider")
        case .missingClaim(let claim):
            return .invalid("The ID token is missing the required claim \(claim)")
        case .invalidClaim(let claim):
            return .invalid("The ID token claim \(claim) is invalid")
        }
    }

    /// Token-supplied text echoed into a message is cut short: the message goes back to an
    /// unauthenticated caller and into logs.
    private static func clip(_ text: String) -> String {
        text.utf8.count <= 200 ? text : String(text.prefix(200)) + "…"
    }

    private static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}

/// An STS error code, message and HTTP status, ready to be rendered as an `<ErrorResponse>`.
public struct STSErrorDescription: Sendable, Hashable {
    /// `ExpiredTokenException`, `InvalidIdentityToken` or `IDPCommunicationError`.
    public var code: String
    public var message: String
    /// 400 for all three (AWS model; botocore retries `IDPCommunicationError`).
    public var httpStatus: Int
    /// `Sender`: every one of these is the caller's token or its IdP, not Portcullis itself.
    public var type: String { "Sender" }

    public init(code: String, message: String, httpStatus: Int = 400) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }

    static func invalid(_ message: String) -> Self {
        .init(code: "InvalidIdentityToken", message: message)
    }
}
