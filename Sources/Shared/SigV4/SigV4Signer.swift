/// Signs outgoing requests with SigV4: re-signing proxied requests for an upstream S3 backend,
/// and generating signed and presigned requests in tests.
///
/// The path must already be in canonical (encoded) form and is used verbatim, so the bytes the
/// backend sees are the bytes that were signed; build it with
/// ``SigV4PercentEncoding/uriEncode(_:encodeSlash:)`` (`encodeSlash: false`) or
/// ``SigV4PercentEncoding/canonicalURI(rawPath:mode:)``. Query pairs are given decoded.
public struct SigV4Signer: Sendable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    public var region: String
    public var service: String

    /// Headers the signer never signs because proxies and clients change them in transit
    /// (botocore's `SIGNED_HEADERS_BLACKLIST`), plus the `authorization` header itself.
    public static let unsignedHeaderNames: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, region: String, service: String = "s3") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.service = service
    }

    /// The result of header signing.
    public struct SignedRequest: Sendable {
        /// Headers to add to the request, in order: `x-amz-date`, `x-amz-content-sha256` (if
        /// requested), `x-amz-security-token` (if any), `authorization`.
        public var headersToAdd: [(name: String, value: String)]
        /// The `Authorization` header value.
        public var authorization: String
        public var signature: String
        public var canonicalRequest: CanonicalRequest
        public var stringToSign: String
        /// The signing key, to sign aws-chunked chunks that follow (``SigV4ChunkSigner``).
        public var signingKey: SigV4SigningKey
    }

    /// The result of presigning.
    public struct PresignedQuery: Sendable {
        /// The complete encoded query string (without `?`), ending in `X-Amz-Signature=…`.
        public var queryString: String
        public var signature: String
        public var canonicalRequest: CanonicalRequest
        public var stringToSign: String
    }

    /// Signs a request for header authentication.
    ///
    /// - Parameters:
    ///   - path: the canonical, already-encoded path (`/bucket/a%20b`); empty means `/`.
    ///   - query: decoded query pairs; valueless parameters have value `""`.
    ///   - headers: the headers that will be sent, `host` included. All are signed except
    ///     ``unsignedHeaderNames``; any `x-amz-date`, `x-amz-content-sha256` or
    ///     `x-amz-security-token` given is replaced by the signer's own.
    ///   - payloadHash: `UNSIGNED-PAYLOAD`, a hex SHA-256, or a `STREAMING-…` mode.
    ///   - addContentSHA256Header: add and sign `x-amz-content-sha256` (S3 requires it).
    ///   - signSessionToken: sign `x-amz-security-token`; `false` adds it after signing (as STS
    ///     expects for some clients; the `post-sts-header-after` vector).
    ///   - signingKey: the key for this signer's secret, if the caller keeps one derived for the
    ///     day (see ``signingScope(date:)``); derived here when nil or for another scope.
    public func sign(
        method: String,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)],
        payloadHash: String,
        date: AmzDate,
        addContentSHA256Header: Bool = true,
        signSessionToken: Bool = true,
        signingKey: SigV4SigningKey? = nil
    ) -> SignedRequest {
        let replaced: Set<String> = ["x-amz-date", "x-amz-content-sha256", "x-amz-security-token"]
        var toSign = headers.filter {
            let name = CanonicalRequest.lowercased($0.name)
            return !Self.unsignedHeaderNames.contains(name) && !replaced.contains(name)
        }
        var added: [(name: String, value: String)] = [("x-amz-date", date.text)]
        if addContentSHA256Header { added.append(("x-amz-content-sha256", payloadHash)) }
        toSign += added
        if let sessionToken {
            if signSessionToken { toSign.append(("x-amz-security-token", sessionToken)) }
            added.append(("x-amz-security-token", sessionToken))
        }
        let scope = signingScope(date: date)
        let signedNames = Self.signedHeaderNames(toSign)
        let canonical = CanonicalRequest(
            method: method,
            uri: path.isEmpty ? "/" : path,
            query: CanonicalRequest.canonicalQuery(pairs: query),
            // Every signed name comes from `toSign`, so this cannot fail.
            headers: (try? CanonicalRequest.canonicalHeaders(signedHeaders: signedNames, headers: toSign)) ?? "",
            signedHeaders: signedNames.joined(separator: ";"),
            payloadHash: payloadHash
        )
        let stringToSign = canonical.stringToSign(date: date, scope: scope)
        let key = signingKey.flatMap { $0.scope == scope ? $0 : nil } ?? SigV4SigningKey(secretAccessKey: secretAccessKey, scope: scope)
        let signature = key.signature(for: stringToSign)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope.string), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        added.append(("authorization", authorization))
        return SignedRequest(
            headersToAdd: added,
            authorization: authorization,
            signature: signature,
            canonicalRequest: canonical,
            stringToSign: stringToSign,
            signingKey: key
        )
    }

    /// Presigns a request: returns the query string carrying the authentication.
    ///
    /// - Parameters:
    ///   - headers: headers to sign (at least `host`); all are signed except ``unsignedHeaderNames``.
    ///   - expires: `X-Amz-Expires`, 1…604800 seconds.
    ///   - payloadHash: `UNSIGNED-PAYLOAD` for S3; the generic test vectors use the body's hash.
    ///   - signSessionToken: include `X-Amz-Security-Token` in the signed query (S3 does);
    ///     `false` appends it after signing.
    public func presign(
        method: String,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)],
        expires: Int64,
        date: AmzDate,
        payloadHash: String = "UNSIGNED-PAYLOAD",
        signSessionToken: Bool = true
    ) -> PresignedQuery {
        let toSign = headers.filter { !Self.unsignedHeaderNames.contains(CanonicalRequest.lowercased($0.name)) }
        let scope = SigV4Scope(date: date, region: region, service: service)
        let signedNames = Self.signedHeaderNames(toSign)
        var pairs = query
        pairs += [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(accessKeyID)/\(scope.string)"),
            ("X-Amz-Date", date.text),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", signedNames.joined(separator: ";")),
        ]
        if let sessionToken, signSessionToken { pairs.append(("X-Amz-Security-Token", sessionToken)) }
        let canonical = CanonicalRequest(
            method: method,
            uri: path.isEmpty ? "/" : path,
            query: CanonicalRequest.canonicalQuery(pairs: pairs),
            headers: (try? CanonicalRequest.canonicalHeaders(signedHeaders: signedNames, headers: toSign)) ?? "",
            signedHeaders: signedNames.joined(separator: ";"),
            payloadHash: payloadHash
        )
        let stringToSign = canonical.stringToSign(date: date, scope: scope)
        let signature = SigV4SigningKey(secretAccessKey: secretAccessKey, scope: scope).signature(for: stringToSign)
        var queryString = canonical.query + "&X-Amz-Signature=" + signature
        if let sessionToken, !signSessionToken {
            queryString += "&X-Amz-Security-Token=" + SigV4PercentEncoding.uriEncode(sessionToken, encodeSlash: true)
        }
        return PresignedQuery(queryString: queryString, signature: signature, canonicalRequest: canonical, stringToSign: stringToSign)
    }

    /// The credential scope of a request signed at `date`.
    public func signingScope(date: AmzDate) -> SigV4Scope {
        SigV4Scope(date: date, region: region, service: service)
    }

    /// Lowercase, de-duplicated, sorted names of `headers`.
    static func signedHeaderNames(_ headers: [(name: String, value: String)]) -> [String] {
        Set(headers.map { CanonicalRequest.lowercased($0.name) }).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
