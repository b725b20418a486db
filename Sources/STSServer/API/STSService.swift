import Foundation
import Logging
import Shared

/// The STS actions: parameter validation, OIDC verification, trust policy, credential issue.
///
/// Transport-free so that it can be tested without sockets; `STSApplication` adapts HTTP.
struct STSService: Sendable {
    let accountID: String
    let defaultDuration: Int
    let capExpiryAtTokenExpiry: Bool
    let roles: LiveRoleCatalog
    let identities: OIDCVerifier
    let signer: SessionTokenSigner
    let sessions: SessionTokenVerifier?
    let logger: Logger
    /// Rate limits on AssumeRoleWithWebIdentity; none in unit tests.
    var throttle: STSThrottle? = nil
    /// Per issuer, the claims frozen into sessions (`providers[].sessionClaims`); an issuer
    /// without an entry freezes every claim within the bounds.
    var sessionClaims: [String: Set<String>] = [:]

    static let version = "2011-06-15"
    /// The packed-policy budget, in bytes, shared by `Policy`, `PolicyArns` and session tags.
    static let packedLimit = 2048

    /// Facts about the HTTP request that policies may use.
    struct RequestFacts: Sendable {
        var sourceIP: String?
        var now: Int64
        /// The request as signed, for the actions that take SigV4 credentials (GetCallerIdentity).
        var signed: SignedRequest? = nil
    }

    /// A successful answer: its XML body, and what the request's log line should say about it.
    struct Answer: Sendable {
        var body: String
        var logMetadata: Logger.Metadata = [:]
    }

    /// The actions answered; any other is `InvalidAction`.
    static let actions: Set<String> = ["AssumeRoleWithWebIdentity", "GetCallerIdentity"]

    /// Dispatches on `Action`.
    func handle(_ parameters: STSParameters, facts: RequestFacts, requestID: String) async throws(STSError) -> Answer {
        let action = try parameters.required("Action")
        guard let version = try parameters.single("Version") else { throw STSError.missingParameter("Version") }
        guard version == Self.version else {
            throw STSError("InvalidAction", "Could not find operation \(action) for version \(version)")
        }
        switch action {
        case "AssumeRoleWithWebIdentity":
            let result = try await assumeRoleWithWebIdentity(parameters, facts: facts)
            return Answer(body: result.xml(requestID: requestID), logMetadata: result.logMetadata)
        case "GetCallerIdentity":
            return Answer(body: try getCallerIdentity(facts.signed, facts: facts, requestID: requestID))
        default:
            throw STSError("InvalidAction", "Could not find operation \(action) for version \(version)")
        }
    }

    func assumeRoleWithWebIdentity(_ parameters: STSParameters, facts: RequestFacts) async throws(STSError) -> AssumeRoleWithWebIdentityResult {
        let roleARN = try parameters.required("RoleArn")
        let sessionName = try parameters.required("RoleSessionName")
        // aws-cli's file:// keeps the file's trailing newline; AWS tolerates it and so do we.
        let token = try parameters.required("WebIdentityToken").trimmingASCIIWhitespace()
        try STSRequestValidator.roleARN(roleARN)
        try STSRequestValidator.roleSessionName(sessionName)
        try STSRequestValidator.webIdentityToken(token)
        let requestedDuration = try STSRequestValidator.durationSeconds(try parameters.single("DurationSeconds"))
        let sessionPolicyText = try parameters.single("Policy")
        if let sessionPolicyText {
            try STSRequestValidator.policy(sessionPolicyText)
            if sessionPolicyText.utf8.count > 2048 {
                throw STSError("PackedPolicyTooLarge", "Packed size of the session policy exceeds the 2048-character limit.")
            }
        }
        if try parameters.single("ProviderId") != nil {
            throw STSError("InvalidParameterValue", "ProviderId is only for OAuth 2.0 access tokens; it must not be sent with an OpenID Connect ID token.")
        }
        let policyARNs = parameters.policyARNs()
        try STSRequestValidator.policyARNs(policyARNs)
        try throttle?.admit(sourceIP: facts.sourceIP)

        let identity: VerifiedIdentityToken
        do {
            identity = try await identities.verify(token: token, now: Date(timeIntervalSince1970: TimeInterval(facts.now)))
        } catch {
            let described = error.stsError
            throw STSError(described.code, described.message, status: described.httpStatus)
        }

        try throttle?.admit(verifiedIssuer: identity.issuer)

        guard let role = roles.current.role(arn: roleARN) else {
            throw STSError.accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity")
        }
        let tags = try SessionTagsClaim.parse(identity.claims[SessionTagsClaim.claimName])
        let sourceIdentity = try Self.sourceIdentity(identity.claims["https://aws.amazon.com/source_identity"])
        // The trust policy sees every claim: a provider's `sessionClaims` narrows what the session
        // carries, and must not make a trust-policy Deny on another claim stop matching.
        let frozenClaims = FrozenClaims.freeze(identity.claims, selecting: sessionClaims[identity.issuer])
        let trust = TrustPolicyContext.make(
            identity: identity, roleARN: roleARN, accountID: accountID, sessionName: sessionName,
            frozenClaims: sessionClaims[identity.issuer] == nil ? frozenClaims : FrozenClaims.freeze(identity.claims),
            tags: tags, sourceIdentity: sourceIdentity, sourceIP: facts.sourceIP, now: facts.now)
        let decision = PolicyEvaluator(rolePolicies: [role.trustPolicy]).evaluate(trust)
        guard decision.isAllowed else {
            logger.info("trust policy denied", metadata: ["role": .string(roleARN), "decision": .string(decision.description)])
            throw STSError.accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity")
        }

        // Only after the trust policy: otherwise anyone with a token could probe which roles exist.
        let duration = requestedDuration ?? min(defaultDuration, role.maxSessionDuration)
        if duration > role.maxSessionDuration {
            throw .validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }

        var packedPolicySize: Int?
        if let sessionPolicyText {
            do {
                _ = try Policy(json: sessionPolicyText, source: "Policy", kind: .identity)
            } catch {
                throw STSError("MalformedPolicyDocument", "The policy is not valid: \(error)")
            }
        }
        for arn in policyARNs where roles.current.managedPolicy(arn: arn) == nil {
            throw STSError("MalformedPolicyDocument", "Policy \(arn) does not exist or is not attachable.")
        }
        let tagBytes = tags?.packedSize ?? 0
        if sessionPolicyText != nil || !policyARNs.isEmpty || !(tags?.tags.isEmpty ?? true) {
            // AWS packs session policies and session tags into one budget and reports the share
            // used; Portcullis counts their plain bytes against the 2048-byte policy limit.
            let packed = (sessionPolicyText?.utf8.count ?? 0) + policyARNs.reduce(0) { $0 + $1.utf8.count } + tagBytes
            let percent = max(1, (packed * 100 + Self.packedLimit - 1) / Self.packedLimit)
            guard packed <= Self.packedLimit else {
                let what = tagBytes == packed ? "session tags" : tagBytes == 0 ? "session policies" : "session policies and session tags"
                throw STSError("PackedPolicyTooLarge", "Packed size of \(what) consumes \(percent)% of allotted space.")
            }
            packedPolicySize = percent
        }

        var expiry = facts.now + Int64(duration)
        if capExpiryAtTokenExpiry { expiry = min(expiry, Int64(identity.expiresAt.timeIntervalSince1970)) }
        let accessKeyID = AccessKeyID.generate()
        let claims = SessionClaims(
            akid: accessKeyID, jti: SessionTokenSigner.newTokenID(), iat: facts.now, exp: expiry, role: roleARN,
            rsn: sessionName, sub: identity.subject, oiss: identity.issuer, oaud: identity.audience,
            dkid: signer.derivationKeyID, claims: frozenClaims, tags: tags?.tags ?? [:],
            pol: sessionPolicyText, parns: policyARNs.isEmpty ? nil : policyARNs, srcid: sourceIdentity)
        let issued: (token: String, secretAccessKey: String)
        do {
            issued = try signer.issue(claims)
        } catch {
            logger.error("signing a session token failed", metadata: ["error": "\(error)"])
            throw STSError.internalError()
        }
        return AssumeRoleWithWebIdentityResult(
            subject: identity.subject, audience: identity.audience, assumedRoleARN: claims.assumedRoleARN,
            assumedRoleID: "\(role.id):\(sessionName)", accessKeyID: accessKeyID, secretAccessKey: issued.secretAccessKey,
            sessionToken: issued.token, expiration: expiry, provider: identity.issuer, packedPolicySize: packedPolicySize,
            sourceIdentity: sourceIdentity)
    }

    /// The token's source identity claim, held to AWS's SourceIdentity constraints (2–64
    /// characters of `[\w+=,.@-]`, not starting with `aws:`).
    static func sourceIdentity(_ claim: JSONValue?) throws(STSError) -> String? {
        guard let claim else { return nil }
        guard let value = claim.stringValue, (2...64).contains(value.count), !value.lowercased().hasPrefix("aws:"),
            value.unicodeScalars.allSatisfy({ scalar in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "_", "+", "=", ",", ".", "@", "-": true
                default: false
                }
            })
        else {
            throw .invalidIdentityToken("The source identity claim (https://aws.amazon.com/source_identity) is invalid.")
        }
        return value
    }
}
