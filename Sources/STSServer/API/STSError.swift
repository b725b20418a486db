import Shared

/// An error answered in AWS STS's XML shape.
///
/// `Type` is `Sender` for the caller's mistakes and `Receiver` for ours; clients branch on the
/// code, so codes and statuses follow AWS exactly (see wire-semantics §1.4).
struct STSError: Error, Sendable {
    let code: String
    let message: String
    let status: Int
    let type: String

    init(_ code: String, _ message: String, status: Int = 400, type: String = "Sender") {
        self.code = code
        self.message = message
        self.status = status
        self.type = type
    }

    static func validation(_ message: String) -> STSError { STSError("ValidationError", message) }
    static func missingParameter(_ name: String) -> STSError {
        STSError("MissingParameter", "The request must contain the parameter \(name)")
    }
    static func accessDenied(_ message: String) -> STSError { STSError("AccessDenied", message, status: 403) }
    static func invalidIdentityToken(_ message: String) -> STSError { STSError("InvalidIdentityToken", message) }
    static func expiredToken(_ message: String) -> STSError { STSError("ExpiredTokenException", message) }
    static func internalError() -> STSError {
        STSError("InternalFailure", "The request processing has failed because of an unknown error.", status: 500, type: "Receiver")
    }

    /// AWS's "1 validation error detected" wording, as SDKs and moto print it.
    static func constraint(value: String, member: String, constraint: String) -> STSError {
        let shown = value.count > 100 ? String(value.prefix(100)) + "…" : value
        return .validation(
            "1 validation error detected: Value '\(shown)' at '\(member)' failed to satisfy constraint: Member must \(constraint)"
        )
    }

    func xml(requestID: String) -> String {
        """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error>
            <Type>\(type)</Type>
            <Code>\(code.xmlEscaped)</Code>
            <Message>\(message.xmlEscaped)</Message>
          </Error>
          <RequestId>\(requestID)</RequestId>
        </ErrorResponse>

        """
    }
}
