import Shared

/// Who sent a request and how it was signed, once every signature check has passed.
struct AuthenticatedRequest: Sendable {
    enum SignatureVersion: String, Sendable {
        case v2 = "AWS"
        case v4 = "AWS4-HMAC-SHA256"
    }

    enum AuthType: String, Sendable {
        case header = "REST-HEADER"
        case query = "REST-QUERY-STRING"
    }

    let session: SessionClaims
    /// Derived from `session` (once per session when it comes from the session cache).
    let sessionFacts: SessionFacts
    let accessKeyID: String
    let signatureVersion: SignatureVersion
    let authType: AuthType
    /// How the body must be checked: the payload hash the client signed.
    let payload: PayloadVerifier.Expectation
    /// For aws-chunked bodies (`STREAMING-…` payload modes): how to decode and verify the framing.
    var chunkedMode: AWSChunkedDecoder.Mode? = nil
    /// SigV4: the region of the credential scope (backends may be routed by it); nil for SigV2.
    var signingRegion: String? = nil
    /// Milliseconds since a presigned URL was signed (`s3:signatureAge`).
    let signatureAgeMilliseconds: Int64?

    init(
        session: SessionClaims, sessionFacts: SessionFacts? = nil, accessKeyID: String, signatureVersion: SignatureVersion,
        authType: AuthType, payload: PayloadVerifier.Expectation, chunkedMode: AWSChunkedDecoder.Mode? = nil,
        signingRegion: String? = nil, signatureAgeMilliseconds: Int64?
    ) {
        self.session = session
        self.sessionFacts = sessionFacts ?? SessionFacts(session)
        self.accessKeyID = accessKeyID
        self.signatureVersion = signatureVersion
        self.authType = authType
        self.payload = payload
        self.chunkedMode = chunkedMode
        self.signingRegion = signingRegion
        self.signatureAgeMilliseconds = signatureAgeMilliseconds
    }
}
