extension SigV4Authorization {
    /// The `Credential` format both AWS and MinIO quote in their errors.
    static let credentialFormat = "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\""

    /// Parses the SigV4 authentication of `request`, checking syntax only (no scope policy, time
    /// or signature; ``SigV4Verifier`` does those).
    ///
    /// - Returns: `nil` when the request carries no SigV4 authentication at all: no
    ///   `Authorization` header and no `X-Amz-Algorithm`/`X-Amz-Credential`/`X-Amz-Signature`
    ///   query parameter. SigV2 presigned URLs (`AWSAccessKeyId`, `Signature`) also give `nil`;
    ///   a SigV2 `Authorization: AWS …` header throws ``SigV4Error/unsupportedAlgorithm(_:)``, so
    ///   a caller supporting SigV2 must look for it first.
    /// - Throws: ``SigV4Error`` with AWS's code and message for the first problem found.
    public static func parse(_ request: SigV4Request) throws(SigV4Error) -> SigV4Authorization? {
        let authorization = request.header("authorization")
        let query = request.queryParameters(named: presignedParameters)
        let presigned = query["X-Amz-Algorithm"] != nil || query["X-Amz-Credential"] != nil || query["X-Amz-Signature"] != nil
        switch (authorization, presigned) {
        case (nil, false): return nil
        case (.some, true): throw .multipleAuthMechanisms
        case (let header?, false): return try parseHeader(header, request: request)
        case (nil, true): return try parseQuery(query, request: request)
        }
    }

    /// The query parameters of a presigned URL.
    static let presignedParameters: Set<String> = [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires",
        "X-Amz-Security-Token", "X-Amz-Content-Sha256",
    ]

    // MARK: - Authorization header

    static func parseHeader(_ value: String, request: SigV4Request) throws(SigV4Error) -> SigV4Authorization {
        let bytes = trimmed(Substring(value).utf8)
        let space = bytes.firstIndex(of: UInt8(ascii: " ")) ?? bytes.endIndex
        let scheme = String(Substring(bytes[bytes.startIndex..<space]))
        guard scheme == "AWS4-HMAC-SHA256" else { throw .unsupportedAlgorithm(scheme) }

        func malformed(_ detail: String) -> SigV4Error {
            .authorizationHeaderMalformed(message: "The authorization header is malformed; \(detail)", region: nil)
        }
        let threeComponents = "the authorization header requires three components: Credential, SignedHeaders, and Signature."
        var credential: Substring?
        var signedHeaders: Substring?
        var signature: Substring?
        for part in bytes[space...].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true) {
            let field = trimmed(part)
            if field.isEmpty { continue }
            guard let equals = field.firstIndex(of: UInt8(ascii: "=")) else { throw malformed(threeComponents) }
            let key = Substring(field[field.startIndex..<equals])
            let fieldValue = Substring(field[field.index(after: equals)...])
            switch key {
            case "Credential" where credential == nil: credential = fieldValue
            case "SignedHeaders" where signedHeaders == nil: signedHeaders = fieldValue
            case "Signature" where signature == nil: signature = fieldValue
            default: throw malformed(threeComponents)
            }
        }
        guard let credential, let signedHeaders, let signature else { throw malformed(threeComponents) }
        guard case let (accessKeyID, scope)? = splitCredential(credential) else {
            throw malformed("the Credential is mal-formed; expecting \(credentialFormat).")
        }
        guard let headerNames = splitSignedHeaders(signedHeaders) else { throw malformed(threeComponents) }
        guard let dateText = request.header("x-amz-date"), let date = AmzDate(parsing: CanonicalRequest.normalizeValue(dateText)) else {
            throw .missingDate
        }
        return SigV4Authorization(
            location: .header,
            accessKeyID: accessKeyID,
            scope: scope,
            signedHeaders: headerNames,
            signature: String(signature),
            date: date,
            securityToken: request.header("x-amz-security-token"),
            contentSHA256: request.header("x-amz-content-sha256").map(CanonicalRequest.normalizeValue)
        )
    }

    // MARK: - Presigned query

    /// - Parameter query: the request's ``presignedParameters``, as ``SigV4Request/queryParameters(named:)`` found them.
    static func parseQuery(_ query: [String: String], request: SigV4Request) throws(SigV4Error) -> SigV4Authorization {
        func queryError(_ message: String) -> SigV4Error { .authorizationQueryParametersError(message: message, region: nil) }
        guard let algorithm = query["X-Amz-Algorithm"],
            let credential = query["X-Amz-Credential"],
            let signature = query["X-Amz-Signature"],
            let dateText = query["X-Amz-Date"],
            let signedHeaders = query["X-Amz-SignedHeaders"],
            let expiresText = query["X-Amz-Expires"]
        else {
            throw queryError(
                "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
            )
        }
        guard algorithm == "AWS4-HMAC-SHA256" else { throw queryError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"") }
        guard case let (accessKeyID, scope)? = splitCredential(Substring(credential)) else {
            throw queryError("Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \(credentialFormat).")
        }
        guard let date = AmzDate(parsing: dateText) else {
            throw queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
        }
        guard let expires = parseInteger(expiresText) else { throw queryError("X-Amz-Expires should be a number") }
        guard expires >= 0 else { throw queryError("X-Amz-Expires must be non-negative") }
        guard expires <= 604_800 else {
            throw queryError(
                "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"
            )
        }
        guard let headerNames = splitSignedHeaders(Substring(signedHeaders)) else {
            throw queryError("Query-string authentication version 4 requires a non-empty X-Amz-SignedHeaders parameter.")
        }
        return SigV4Authorization(
            location: .query(expiresSeconds: expires),
            accessKeyID: accessKeyID,
            scope: scope,
            signedHeaders: headerNames,
            signature: signature,
            date: date,
            securityToken: query["X-Amz-Security-Token"] ?? request.header("x-amz-security-token"),
            contentSHA256: query["X-Amz-Content-Sha256"]
                ?? request.header("x-amz-content-sha256").map(CanonicalRequest.normalizeValue)
        )
    }

    // MARK: - Pieces

    /// `AKID/yyyymmdd/region/service/aws4_request` → access key and scope. The access key is
    /// everything before the last four components (MinIO allows `/` in it); the date must be
    /// eight digits and the terminal `aws4_request`.
    static func splitCredential(_ credential: Substring) -> (String, SigV4Scope)? {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 5 else { return nil }
        let tail = parts.suffix(4).map(String.init)
        let accessKeyID = parts.dropLast(4).joined(separator: "/")
        guard !accessKeyID.isEmpty, tail[3] == "aws4_request", !tail[1].isEmpty, !tail[2].isEmpty,
            tail[0].utf8.count == 8, tail[0].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return (accessKeyID, SigV4Scope(date: tail[0], region: tail[1], service: tail[2]))
    }

    /// `host;x-amz-date` → lowercase names; `nil` if empty or containing an empty name.
    static func splitSignedHeaders(_ list: Substring) -> [String]? {
        let names = list.split(separator: ";", omittingEmptySubsequences: false).map { CanonicalRequest.lowercased($0) }
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else { return nil }
        return names
    }

    /// A decimal integer with optional leading `-`, at most 18 digits.
    static func parseInteger(_ text: String) -> Int64? {
        var utf8 = Substring(text).utf8
        var negative = false
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        }
        guard !utf8.isEmpty, utf8.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return negative ? -value : value
    }

    /// Strips spaces and tabs at both ends.
    static func trimmed(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        var result = bytes
        while let first = result.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { result = result.dropFirst() }
        while let last = result.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { result = result.dropLast() }
        return result
    }
}
