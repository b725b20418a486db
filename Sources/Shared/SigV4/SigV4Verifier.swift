/// Server-side SigV4 verification for S3 (header and presigned-URL authentication).
///
/// Two steps, because the secret depends on what the request says:
///
/// ```swift
/// let verifier = SigV4Verifier()                               // S3 rules
/// let request = SigV4Request(method: "GET", requestTarget: head.path, headers: headerList)
/// guard let auth = try verifier.authorization(for: request) else { /* anonymous */ }
/// let secret = try deriveSecret(auth.accessKeyID, auth.securityToken)    // caller's job
/// let verified = try verifier.verify(auth, request: request, secretAccessKey: secret, now: nowSeconds)
/// // verified.signingKey + verified.seedSignature drive aws-chunked chunk verification.
/// ```
///
/// Everything is computed from the raw request target and header bytes, never through `URL`.
public struct SigV4Verifier: Sendable {
    /// The rules to verify with. The defaults are S3's.
    public struct Options: Sendable {
        /// The service the credential scope must name.
        public var service: String
        /// The region the scope must name, or `nil` to accept any region. A mismatch answers
        /// `AuthorizationHeaderMalformed` with `<Region>`, which SDKs follow.
        public var region: String?
        /// Header auth: the allowed |server time − X-Amz-Date|. Presigned URLs: how far in the future X-Amz-Date may be.
        public var maxClockSkewSeconds: Int64
        /// How the path becomes the canonical URI; `.s3` never normalises.
        public var pathMode: SigV4PercentEncoding.PathMode
        /// Reject requests whose `host` or `x-amz-*` headers are present but unsigned (S3 does).
        public var requireSignedAmzHeaders: Bool
        /// Header auth must carry `x-amz-content-sha256` (S3 does), with a valid value.
        public var requireContentSHA256: Bool

        public init(
            service: String = "s3",
            region: String? = nil,
            maxClockSkewSeconds: Int64 = 900,
            pathMode: SigV4PercentEncoding.PathMode = .s3,
            requireSignedAmzHeaders: Bool = true,
            requireContentSHA256: Bool = true
        ) {
            self.service = service
            self.region = region
            self.maxClockSkewSeconds = maxClockSkewSeconds
            self.pathMode = pathMode
            self.requireSignedAmzHeaders = requireSignedAmzHeaders
            self.requireContentSHA256 = requireContentSHA256
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Parses the request's SigV4 authentication and checks everything that needs no secret and
    /// no clock: scope service, scope date against `X-Amz-Date`, region, unsigned headers, and
    /// the `x-amz-content-sha256` rule. Returns `nil` for a request without SigV4 authentication.
    public func authorization(for request: SigV4Request) throws(SigV4Error) -> SigV4Authorization? {
        guard let auth = try SigV4Authorization.parse(request) else { return nil }
        try validate(auth, request: request)
        return auth
    }

    /// The secret-free, clock-free checks of ``authorization(for:)``, for an already parsed value.
    public func validate(_ auth: SigV4Authorization, request: SigV4Request) throws(SigV4Error) {
        let presigned = auth.isPresigned
        func malformed(_ detail: String, region: String? = nil) -> SigV4Error {
            presigned
                ? .authorizationQueryParametersError(message: "Error parsing the X-Amz-Credential parameter; \(detail)", region: region)
                : .authorizationHeaderMalformed(message: "The authorization header is malformed; \(detail)", region: region)
        }
        if auth.scope.service != options.service {
            throw malformed("incorrect service \"\(auth.scope.service)\". This endpoint belongs to \"\(options.service)\".")
        }
        if auth.scope.date != auth.date.dateStamp {
            let detail = "Invalid credential date \"\(auth.scope.date)\". This date is not the same as X-Amz-Date: \"\(auth.date.dateStamp)\"."
            throw presigned
                ? .authorizationQueryParametersError(message: detail, region: nil)
                : .authorizationHeaderMalformed(message: "The authorization header is malformed; \(detail)", region: nil)
        }
        if let region = options.region, auth.scope.region != region {
            throw malformed("the region '\(auth.scope.region)' is wrong; expecting '\(region)'", region: region)
        }
        if options.requireSignedAmzHeaders {
            try checkSignedHeaders(auth, request: request)
        }
        if options.requireContentSHA256, !presigned {
            guard let value = auth.contentSHA256 else { throw .missingContentSHA256 }
            guard SigV4PayloadMode(headerValue: value) != nil else { throw .invalidContentSHA256(value) }
        }
    }

    /// `host` must be signed, and so must every `x-amz-*` header present.
    func checkSignedHeaders(_ auth: SigV4Authorization, request: SigV4Request) throws(SigV4Error) {
        let signed = Set(auth.signedHeaders)
        var unsigned: [String] = []
        if !signed.contains("host") { unsigned.append("host") }
        for header in request.headers {
            let name = CanonicalRequest.lowercased(header.name)
            guard name.utf8.starts(with: "x-amz-".utf8), !signed.contains(name), !unsigned.contains(name) else { continue }
            unsigned.append(name)
        }
        if !unsigned.isEmpty { throw .unsignedHeaders(unsigned.sorted()) }
    }

    /// The time window: header auth within ±``Options/maxClockSkewSeconds`` of `now`; presigned
    /// URLs from `X-Amz-Date` (at most the skew early) until `X-Amz-Date + X-Amz-Expires`.
    public func checkTime(_ auth: SigV4Authorization, now: Int64) throws(SigV4Error) {
        let requestTime = auth.date.epochSeconds
        switch auth.location {
        case .header:
            if abs(now - requestTime) > options.maxClockSkewSeconds {
                throw .requestTimeTooSkewed(
                    requestTime: auth.date,
                    serverTime: AmzDate(epochSeconds: now),
                    maxSkewSeconds: options.maxClockSkewSeconds
                )
            }
        case .query(let expires):
            if requestTime - now > options.maxClockSkewSeconds {
                throw .requestNotYetValid(requestTime: auth.date, serverTime: AmzDate(epochSeconds: now))
            }
            if now - requestTime > expires {
                throw .requestExpired(
                    expiresSeconds: expires,
                    expiresAt: AmzDate(epochSeconds: requestTime + expires),
                    serverTime: AmzDate(epochSeconds: now)
                )
            }
        }
    }

    /// Verifies the signature of `request` with `secretAccessKey` at time `now` (epoch seconds).
    ///
    /// - Parameters:
    ///   - payloadHash: overrides the payload hash put in the canonical request. Leave `nil` for
    ///     S3: header auth then uses `x-amz-content-sha256`, presigned URLs `UNSIGNED-PAYLOAD`
    ///     (or `X-Amz-Content-Sha256` when given). Generic services pass the body's SHA-256.
    /// - Returns: the verified authentication with the signing key and seed signature, for
    ///   aws-chunked chunk verification.
    /// - Throws: ``SigV4Error``; a wrong signature gives ``SigV4Error/signatureDoesNotMatch(_:)``
    ///   carrying the server's canonical request and string to sign.
    public func verify(
        _ auth: SigV4Authorization,
        request: SigV4Request,
        secretAccessKey: String,
        now: Int64,
        payloadHash: String? = nil
    ) throws(SigV4Error) -> SigV4VerifiedRequest {
        try verify(auth, request: request, signingKey: SigV4SigningKey(secretAccessKey: secretAccessKey, scope: auth.scope), now: now, payloadHash: payloadHash)
    }

    /// ``verify(_:request:secretAccessKey:now:payloadHash:)`` with a signing key the caller
    /// derived (and may cache per access key and scope). The key's scope must be `auth.scope`.
    public func verify(
        _ auth: SigV4Authorization,
        request: SigV4Request,
        signingKey: SigV4SigningKey,
        now: Int64,
        payloadHash: String? = nil
    ) throws(SigV4Error) -> SigV4VerifiedRequest {
        try validate(auth, request: request)
        try checkTime(auth, now: now)
        guard let payload = payloadHash ?? auth.defaultPayloadHash else { throw .missingContentSHA256 }
        let canonical = try canonicalRequest(for: auth, request: request, payloadHash: payload)
        let stringToSign = canonical.stringToSign(date: auth.date, scope: auth.scope)
        guard signingKey.scope == auth.scope, signingKey.isValidSignature(auth.signature, for: stringToSign) else {
            throw .signatureDoesNotMatch(
                SigV4SignatureMismatch(
                    accessKeyID: auth.accessKeyID,
                    signatureProvided: auth.signature,
                    stringToSign: stringToSign,
                    canonicalRequest: canonical.text
                )
            )
        }
        return SigV4VerifiedRequest(
            authorization: auth,
            signingKey: signingKey,
            payloadHash: payload,
            canonicalRequest: canonical,
            stringToSign: stringToSign
        )
    }

    /// The canonical request the client should have signed, built from the raw request.
    public func canonicalRequest(
        for auth: SigV4Authorization,
        request: SigV4Request,
        payloadHash: String
    ) throws(SigV4Error) -> CanonicalRequest {
        CanonicalRequest(
            method: request.method,
            uri: SigV4PercentEncoding.canonicalURI(rawPath: request.rawPath, mode: options.pathMode),
            query: CanonicalRequest.canonicalQuery(rawQuery: request.rawQuery, droppingSignature: auth.isPresigned),
            headers: try CanonicalRequest.canonicalHeaders(signedHeaders: auth.signedHeaders, headers: request.headers),
            signedHeaders: auth.signedHeaders.joined(separator: ";"),
            payloadHash: payloadHash
        )
    }
}
