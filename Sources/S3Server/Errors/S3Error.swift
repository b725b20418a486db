import Shared

/// An error answered in S3's XML shape (no namespace; HEAD answers carry no body).
///
/// Codes and statuses follow AWS (wire-semantics §5.8); extra elements such as `<Region>` or
/// `<StringToSign>` are carried in `details` in the order S3 writes them.
struct S3Error: Error, Sendable {
    let code: String
    let message: String
    let status: Int
    var details: [(name: String, value: String)] = []
    /// The `<Resource>` element: the request path, when S3 reports it.
    var resource: String?

    init(_ code: String, _ message: String, status: Int, details: [(name: String, value: String)] = []) {
        self.code = code
        self.message = message
        self.status = status
        self.details = details
    }

    func xml(requestID: String, hostID: String) -> String {
        var body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code.xmlEscaped)</Code><Message>\(message.xmlEscaped)</Message>"
        for detail in details { body += "<\(detail.name)>\(detail.value.xmlEscaped)</\(detail.name)>" }
        if let resource { body += "<Resource>\(resource.xmlEscaped)</Resource>" }
        body += "<RequestId>\(requestID)</RequestId><HostId>\(hostID)</HostId></Error>"
        return body
    }
}

extension S3Error {
    static func accessDenied(_ message: String = "Access Denied") -> S3Error { S3Error("AccessDenied", message, status: 403) }
    static let invalidAccessKeyID = S3Error(
        "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", status: 403)
    static let invalidToken = S3Error("InvalidToken", "The provided token is malformed or otherwise invalid.", status: 400)
    static let expiredToken = S3Error("ExpiredToken", "The provided token has expired.", status: 400)
    static let missingContentLength = S3Error(
        "MissingContentLength", "You must provide the Content-Length HTTP header.", status: 411)
    static let contentSHA256Mismatch = S3Error(
        "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", status: 400)
    static let incompleteBody = S3Error(
        "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.", status: 400)
    static let badDigest = S3Error("BadDigest", "The Content-MD5 you specified did not match what we received.", status: 400)
    static let invalidDigest = S3Error("InvalidDigest", "The Content-MD5 you specified is not valid.", status: 400)
    static let internalError = S3Error(
        "InternalError", "We encountered an internal error. Please try again.", status: 500)
    static let serviceUnavailable = S3Error(
        "ServiceUnavailable", "The backend is unavailable. Please try again.", status: 503)
    static let entityTooLarge = S3Error(
        "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.", status: 400)

    static func notImplemented(_ what: String) -> S3Error {
        S3Error("NotImplemented", "A header or query you provided implies functionality that is not implemented: \(what)", status: 501)
    }

    static func invalidArgument(_ message: String, name: String? = nil, value: String? = nil) -> S3Error {
        var details: [(String, String)] = []
        if let name { details.append(("ArgumentName", name)) }
        if let value { details.append(("ArgumentValue", value)) }
        return S3Error("InvalidArgument", message, status: 400, details: details)
    }

    static func invalidRequest(_ message: String) -> S3Error { S3Error("InvalidRequest", message, status: 400) }

    static let malformedXML = S3Error(
        "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", status: 400)

    static func xmlTooLarge(maximum: Int) -> S3Error {
        .invalidRequest("The XML you provided was larger than the maximum of \(maximum) bytes")
    }

    static func noSuchBucket(_ bucket: String) -> S3Error {
        S3Error("NoSuchBucket", "The specified bucket does not exist", status: 404, details: [("BucketName", bucket)])
    }
}
