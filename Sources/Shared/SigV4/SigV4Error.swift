/// Why a SigV4-authenticated request was refused, with what the S3 layer needs to answer it the
/// way AWS does: `code`, `httpStatus`, `message` and the extra XML elements SDKs read
/// (`<Region>` to redirect, `<RequestTime>`/`<ServerTime>` to correct clock skew).
///
/// Messages follow Amazon S3's texts where known (as reproduced by MinIO's `cmd/api-errors.go`).
public enum SigV4Error: Error, Sendable, Equatable {
    /// 400 `AuthorizationHeaderMalformed`: bad `Authorization` syntax or credential scope.
    /// `region` is the region the server expects, when the mismatch is about the region.
    case authorizationHeaderMalformed(message: String, region: String?)
    /// 400 `AuthorizationQueryParametersError`: bad or missing presigned-URL parameters.
    case authorizationQueryParametersError(message: String, region: String?)
    /// 400 `InvalidRequest`: an `Authorization` scheme other than `AWS4-HMAC-SHA256`
    /// (SigV4a, or SigV2 when the caller did not handle it first).
    case unsupportedAlgorithm(String)
    /// 400 `InvalidArgument`: both an `Authorization` header and presigned query parameters.
    case multipleAuthMechanisms
    /// 403 `AccessDenied`: header auth without a usable `X-Amz-Date` header.
    case missingDate
    /// 400 `InvalidRequest`: S3 header auth without `x-amz-content-sha256`.
    case missingContentSHA256
    /// 400 `InvalidArgument`: `x-amz-content-sha256` is neither a hex SHA-256 nor a known mode.
    case invalidContentSHA256(String)
    /// 403 `AccessDenied`: `host` or an `x-amz-*` header is present but not in `SignedHeaders`.
    case unsignedHeaders([String])
    /// 403 `AccessDenied`: a header named in `SignedHeaders` is not in the request.
    case signedHeaderMissing(String)
    /// 403 `RequestTimeTooSkewed`: header auth more than the allowed skew away from server time.
    case requestTimeTooSkewed(requestTime: AmzDate, serverTime: AmzDate, maxSkewSeconds: Int64)
    /// 403 `AccessDenied` "Request has expired": presigned URL past `X-Amz-Date + X-Amz-Expires`.
    case requestExpired(expiresSeconds: Int64, expiresAt: AmzDate, serverTime: AmzDate)
    /// 403 `AccessDenied` "Request is not valid yet": presigned `X-Amz-Date` too far in the future.
    case requestNotYetValid(requestTime: AmzDate, serverTime: AmzDate)
    /// 403 `SignatureDoesNotMatch`, with the server-side canonical request and string to sign
    /// (what S3 returns so clients can debug; never the secret or the signing key).
    case signatureDoesNotMatch(SigV4SignatureMismatch)

    /// The S3 error code.
    public var code: String {
        switch self {
        case .authorizationHeaderMalformed: "AuthorizationHeaderMalformed"
        case .authorizationQueryParametersError: "AuthorizationQueryParametersError"
        case .unsupportedAlgorithm, .missingContentSHA256: "InvalidRequest"
        case .multipleAuthMechanisms, .invalidContentSHA256: "InvalidArgument"
        case .missingDate, .unsignedHeaders, .signedHeaderMissing, .requestExpired, .requestNotYetValid: "AccessDenied"
        case .requestTimeTooSkewed: "RequestTimeTooSkewed"
        case .signatureDoesNotMatch: "SignatureDoesNotMatch"
        }
    }

    /// The HTTP status S3 answers with.
    public var httpStatus: Int {
        switch self {
        case .authorizationHeaderMalformed, .authorizationQueryParametersError, .unsupportedAlgorithm, .multipleAuthMechanisms,
            .missingContentSHA256, .invalidContentSHA256:
            400
        case .missingDate, .unsignedHeaders, .signedHeaderMissing, .requestTimeTooSkewed, .requestExpired, .requestNotYetValid,
            .signatureDoesNotMatch:
            403
        }
    }

    /// The human-readable `<Message>`.
    public var message: String {
        switch self {
        case .authorizationHeaderMalformed(let message, _), .authorizationQueryParametersError(let message, _):
            message
        case .unsupportedAlgorithm:
            "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
        case .multipleAuthMechanisms:
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"
        case .missingDate:
            "AWS authentication requires a valid Date or x-amz-date header"
        case .missingContentSHA256:
            "Missing required header for this request: x-amz-content-sha256"
        case .invalidContentSHA256:
            "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value."
        case .unsignedHeaders:
            "There were headers present in the request which were not signed"
        case .signedHeaderMissing(let name):
            "Header \(name) is listed in SignedHeaders but is not present in the request"
        case .requestTimeTooSkewed:
            "The difference between the request time and the current time is too large."
        case .requestExpired:
            "Request has expired"
        case .requestNotYetValid:
            "Request is not valid yet"
        case .signatureDoesNotMatch:
            "The request signature we calculated does not match the signature you provided. Check your key and signing method."
        }
    }

    /// The `<Region>` element, when there is one (SDKs redirect to it).
    public var region: String? {
        switch self {
        case .authorizationHeaderMalformed(_, let region), .authorizationQueryParametersError(_, let region): region
        default: nil
        }
    }

    /// Extra XML elements for the error body, in order, beyond `Code`/`Message`/`RequestId`/`HostId`.
    public var detailElements: [(name: String, value: String)] {
        switch self {
        case .authorizationHeaderMalformed(_, let region?), .authorizationQueryParametersError(_, let region?):
            [("Region", region)]
        case .unsupportedAlgorithm(let scheme):
            [("ArgumentName", "Authorization"), ("ArgumentValue", scheme)]
        case .invalidContentSHA256(let value):
            [("ArgumentName", "x-amz-content-sha256"), ("ArgumentValue", value)]
        case .unsignedHeaders(let names):
            [("HeadersNotSigned", names.joined(separator: ", "))]
        case .requestTimeTooSkewed(let requestTime, let serverTime, let maxSkew):
            [
                ("RequestTime", requestTime.text), ("ServerTime", serverTime.iso8601),
                ("MaxAllowedSkewMilliseconds", String(maxSkew * 1000)),
            ]
        case .requestExpired(let expires, let expiresAt, let serverTime):
            [("X-Amz-Expires", String(expires)), ("Expires", expiresAt.iso8601), ("ServerTime", serverTime.iso8601)]
        case .requestNotYetValid(let requestTime, let serverTime):
            [("RequestTime", requestTime.text), ("ServerTime", serverTime.iso8601)]
        case .signatureDoesNotMatch(let mismatch):
            mismatch.detailElements
        default:
            []
        }
    }
}
