import HTTPTypes
import Shared

/// Authenticates S3 requests: SigV4 (header and presigned) and SigV2 (header and presigned),
/// with Portcullis session credentials only.
///
/// Order matters for what a prober can learn: the session token is verified before the
/// request signature, and every failure maps to the error AWS gives for it.
struct S3Authenticator: Sendable {
    let sessions: SessionTokenVerifier
    let sessionCache = SessionCache()
    let signingKeys = SigningKeyCache()
    let sigV4: SigV4Verifier
    let maxClockSkewSeconds: Int64

    init(sessions: SessionTokenVerifier, region: String?, maxClockSkewSeconds: Int) {
        self.sessions = sessions
        self.maxClockSkewSeconds = Int64(maxClockSkewSeconds)
        self.sigV4 = SigV4Verifier(options: .init(service: "s3", region: nil, maxClockSkewSeconds: Int64(maxClockSkewSeconds)))
    }

    /// - Parameter authority: the `Host` the client sent (swift-http-types keeps it out of the
    ///   header fields, as `:authority`); signatures are verified against exactly this value.
    /// - Parameter virtualBucket: the bucket named by a virtual-hosted Host; SigV2's canonical
    ///   resource starts with it.
    func authenticate(
        method: String, target: RequestTarget, rawTarget: String, authority: String?, headers: HTTPFields,
        virtualBucket: String? = nil, now: Int64
    ) throws(S3Error) -> AuthenticatedRequest {
        var headerList = headers.map { (name: $0.name.rawName, value: $0.value) }
        if let authority { headerList.insert((name: "host", value: authority), at: 0) }
        let authorization = headers[.authorization]
        let tokenHeader = headers[HTTPField.Name("x-amz-security-token")!]

        // SigV2 first: the SigV4 parser rightly refuses an "AWS " scheme.
        let v2: SigV2Authorization?
        do {
            v2 = try SigV2Authorization.parse(authorizationHeader: authorization, query: target.query, securityTokenHeader: tokenHeader)
        } catch {
            throw .accessDenied("Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters")
        }
        if let v2 {
            return try authenticateV2(v2, method: method, target: target, headers: headerList, virtualBucket: virtualBucket, now: now)
        }

        let request = SigV4Request(method: method, requestTarget: rawTarget, headers: headerList)
        let auth: SigV4Authorization
        do {
            guard let parsed = try sigV4.authorization(for: request) else {
                throw S3Error.accessDenied()
            }
            auth = parsed
        } catch let error as SigV4Error {
            throw S3Error(sigV4: error)
        } catch let error as S3Error {
            throw error
        } catch {
            throw .internalError
        }
        let (session, facts) = try verifySession(token: auth.securityToken, accessKeyID: auth.accessKeyID, now: now)
        let verified: SigV4VerifiedRequest
        do {
            try sigV4.checkTime(auth, now: now)
            let key = signingKeys.key(secret: session.secretAccessKey, scope: auth.scope)
            verified = try sigV4.verify(auth, request: request, signingKey: key, now: now)
        } catch {
            var s3Error = S3Error(sigV4: error)
            if case .signatureDoesNotMatch = error { s3Error.details.insert(("AWSAccessKeyId", auth.accessKeyID), at: 0) }
            throw s3Error
        }
        var payload = PayloadVerifier.Expectation.unsigned
        var chunkedMode: AWSChunkedDecoder.Mode?
        switch verified.payloadMode {
        case .unsigned?:
            break
        case .sha256(let hex)?:
            payload = .sha256(hex.lowercased())
        case .streamingSigned?:
            chunkedMode = .signed(verified.chunkSigner())
        case .streamingSignedTrailer?:
            chunkedMode = .signedWithTrailer(verified.chunkSigner())
        case .streamingUnsignedTrailer?:
            chunkedMode = .unsignedWithTrailer
        case .streamingECDSA?, nil:
            throw .notImplemented("x-amz-content-sha256: \(verified.payloadHash) (SigV4a is not supported)")
        }
        let presigned = auth.isPresigned
        return AuthenticatedRequest(
            session: session.claims, sessionFacts: facts, accessKeyID: auth.accessKeyID, signatureVersion: .v4,
            authType: presigned ? .query : .header, payload: payload, chunkedMode: chunkedMode, signingRegion: auth.scope.region,
            signatureAgeMilliseconds: presigned ? max(0, (now - auth.date.epochSeconds) * 1000) : nil)
    }

    private func authenticateV2(
        _ auth: SigV2Authorization, method: String, target: RequestTarget, headers: [(name: String, value: String)],
        virtualBucket: String?, now: Int64
    ) throws(S3Error) -> AuthenticatedRequest {
        let (session, facts) = try verifySession(token: auth.securityToken, accessKeyID: auth.accessKeyID, now: now)
        // Candidate values for the Date line: AWS's rule first; botocore's HmacV1Auth signs the
        // Date header even when x-amz-date is present, so that is tried second.
        var dateValues: [String] = []
        switch auth.location {
        case .query(let expires):
            if now > expires {
                throw S3Error(
                    "AccessDenied", "Request has expired", status: 403,
                    details: [("Expires", ISO8601.seconds(expires)), ("ServerTime", ISO8601.seconds(now))])
            }
            dateValues = [String(expires)]
        case .header:
            // With x-amz-date the Date line is empty and x-amz-date is signed as an amz header.
            let amzDate = headers.first { $0.name.lowercased() == "x-amz-date" }?.value
            let date = headers.first { $0.name.lowercased() == "date" }?.value
            dateValues = amzDate == nil ? [date ?? ""] : ["", date].compactMap { $0 }
            // The same replay window as SigV4 header auth.
            guard let signedAt = (amzDate ?? date).flatMap(HTTPDate.parse) else {
                throw S3Error.accessDenied("AWS authentication requires a valid Date or x-amz-date header")
            }
            if abs(now - signedAt) > maxClockSkewSeconds {
                throw S3Error(
                    "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", status: 403,
                    details: [
                        ("RequestTime", amzDate ?? date ?? ""), ("ServerTime", ISO8601.seconds(now)),
                        ("MaxAllowedSkewMilliseconds", String(maxClockSkewSeconds * 1000)),
                    ])
            }
        }
        let stringsToSign = dateValues.map { dateValue in
            SigV2StringToSign.build(
                method: method, rawPath: (virtualBucket.map { "/" + $0 } ?? "") + target.rawPath, query: target.query, headers: headers,
                dateValue: dateValue, securityToken: auth.securityToken, isPresigned: auth.location != .header)
        }
        let stringToSign = stringsToSign[0]
        let valid = stringsToSign.reduce(false) { found, candidate in
            SigV2StringToSign.isValid(auth.signature, stringToSign: candidate, secret: session.secretAccessKey) || found
        }
        guard valid else {
            throw S3Error(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
                status: 403,
                details: [("AWSAccessKeyId", auth.accessKeyID), ("StringToSign", stringToSign), ("SignatureProvided", auth.signature)])
        }
        let isQuery = auth.location != .header
        return AuthenticatedRequest(
            session: session.claims, sessionFacts: facts, accessKeyID: auth.accessKeyID, signatureVersion: .v2,
            authType: isQuery ? .query : .header, payload: .unsigned, signatureAgeMilliseconds: isQuery ? 0 : nil)
    }

    /// Session credentials always carry a token; an access key without one cannot be ours.
    private func verifySession(
        token: String?, accessKeyID: String, now: Int64
    ) throws(S3Error) -> (SessionTokenVerifier.Session, SessionFacts) {
        guard AccessKeyID.isWellFormed(accessKeyID) else { throw S3Error.invalidAccessKeyID }
        guard let token, !token.isEmpty else { throw S3Error.invalidAccessKeyID }
        if let cached = sessionCache.session(for: token) {
            guard ConstantTime.equals(cached.session.claims.akid, accessKeyID) else { throw S3Error.invalidToken }
            guard now < cached.session.claims.exp else { throw S3Error.expiredToken }
            return (cached.session, cached.facts)
        }
        do {
            let session = try sessions.verify(token: token, accessKeyID: accessKeyID, now: now)
            let facts = SessionFacts(session.claims)
            sessionCache.store(.init(session: session, facts: facts), for: token)
            return (session, facts)
        } catch .expired {
            throw S3Error.expiredToken
        } catch {
            throw S3Error.invalidToken
        }
    }
}

extension S3Error {
    init(sigV4 error: SigV4Error) {
        var details = error.detailElements
        if case .signatureDoesNotMatch = error {
            details = details.filter { $0.name != "AWSAccessKeyId" }
        }
        self.init(error.code, error.message, status: error.httpStatus, details: details)
    }
}
