import Shared

/// The credentials an `s3` backend's requests are signed with.
struct BackendCredentials: Sendable, Equatable {
    let accessKeyID: String
    let secretAccessKey: String
    /// Temporary credentials carry a session token, sent (and signed) as `x-amz-security-token`.
    let sessionToken: String?
    /// Epoch seconds after which temporary credentials are refused; nil for static keys.
    let expiration: Int64?

    init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Int64? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// A SigV4 signer for the backend's region.
    func signer(region: String) -> SigV4Signer {
        SigV4Signer(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken, region: region)
    }
}

/// Where an `s3` backend's upstream credentials come from: static keys, none (anonymous), or
/// temporary credentials the proxy obtains for itself (web identity).
protocol BackendCredentialsProvider: Sendable {
    /// The credentials to sign the next upstream request with; nil sends it unsigned. Throws
    /// `ServiceUnavailable` when no valid credentials can be had.
    func credentials() async throws(S3Error) -> BackendCredentials?

    /// Releases what the provider holds (an HTTP client).
    func shutdown() async
}

/// Keys from the configuration, resolved once at startup.
struct StaticCredentialsProvider: BackendCredentialsProvider {
    let value: BackendCredentials

    func credentials() async throws(S3Error) -> BackendCredentials? { value }
    func shutdown() async {}
}

/// `anonymous: true`: requests go upstream unsigned.
struct AnonymousCredentialsProvider: BackendCredentialsProvider {
    func credentials() async throws(S3Error) -> BackendCredentials? { nil }
    func shutdown() async {}
}
