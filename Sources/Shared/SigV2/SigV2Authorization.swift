/// Legacy S3 signature version 2 authentication, still sent by aws-cli v1 and boto3 for
/// presigned URLs in the "classic" regions (wire-semantics §5.6).
public struct SigV2Authorization: Sendable, Equatable {
    public enum Location: Sendable, Equatable {
        /// `Authorization: AWS AKID:signature`; the date comes from `x-amz-date` or `Date`.
        case header
        /// `?AWSAccessKeyId=…&Expires=<epoch>&Signature=…`.
        case query(expires: Int64)
    }

    public var location: Location
    public var accessKeyID: String
    /// Base64 HMAC-SHA1 as sent.
    public var signature: String
    /// `x-amz-security-token` from the header or the query.
    public var securityToken: String?

    public init(location: Location, accessKeyID: String, signature: String, securityToken: String?) {
        self.location = location
        self.accessKeyID = accessKeyID
        self.signature = signature
        self.securityToken = securityToken
    }

    /// Why SigV2 authentication could not be parsed.
    public enum ParseError: Error, Equatable, Sendable {
        case malformedHeader
        case missingQueryParameters
        case invalidExpires
    }

    /// Parses SigV2 from the `Authorization` header or the decoded query; nil when the request
    /// uses no SigV2 authentication.
    public static func parse(
        authorizationHeader: String?, query: [(name: String, value: String?)], securityTokenHeader: String?
    ) throws(ParseError) -> SigV2Authorization? {
        if let header = authorizationHeader, header.hasPrefix("AWS ") {
            let credential = header.dropFirst(4)
            guard let colon = credential.lastIndex(of: ":") else { throw .malformedHeader }
            let akid = credential[..<colon]
            let signature = credential[credential.index(after: colon)...]
            guard !akid.isEmpty, !signature.isEmpty else { throw .malformedHeader }
            return SigV2Authorization(
                location: .header, accessKeyID: String(akid), signature: String(signature), securityToken: securityTokenHeader)
        }
        func value(_ name: String) -> String? { query.first { $0.name == name }.map { $0.value ?? "" } }
        guard let akid = value("AWSAccessKeyId") else { return nil }
        guard let signature = value("Signature"), let expiresText = value("Expires"), !akid.isEmpty, !signature.isEmpty else {
            throw .missingQueryParameters
        }
        guard let expires = Int64(expiresText) else { throw .invalidExpires }
        return SigV2Authorization(
            location: .query(expires: expires), accessKeyID: akid, signature: signature,
            securityToken: value("x-amz-security-token") ?? securityTokenHeader)
    }
}
