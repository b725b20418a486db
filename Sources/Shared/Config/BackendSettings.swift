/// One entry of `backends:`: where objects of matching buckets are stored.
public struct BackendSettings: Sendable, Decodable {
    public enum Kind: String, Sendable, Decodable {
        /// Any S3-compatible endpoint; requests are re-signed with the backend's own credentials.
        case s3
        /// The embedded store on a local folder.
        case filesystem
    }

    public var name: String
    public var type: Kind
    /// Bucket name globs (`*`, `?`) routed to this backend; the first matching backend wins.
    public var buckets: [String] = ["*"]
    /// `filesystem`: the folder holding the buckets.
    public var path: String?
    /// `s3`: base URL, e.g. `https://s3.example.com:8443`.
    public var endpoint: String?
    /// `s3`: region used to sign upstream requests.
    public var region: String = "us-east-1"
    /// `s3`: static credentials (exactly one of these, `webIdentity` or `anonymous` is required).
    public var accessKeyId: SecretReference?
    public var secretAccessKey: SecretReference?
    /// `s3`: temporary credentials the proxy obtains for itself with AssumeRoleWithWebIdentity.
    public var webIdentity: WebIdentitySettings?
    /// `s3`: send requests upstream unsigned (a public or open endpoint); must be said explicitly.
    public var anonymous: Bool = false
    /// `s3`: connections per backend host (AsyncHTTPClient defaults to 8, too few for a proxy).
    public var maxConnections: Int = 64
    /// `s3`: seconds to wait for a connection and between bytes of an answer.
    public var connectTimeoutSeconds: Int = 10
    public var readTimeoutSeconds: Int = 120
    /// `s3`: how often a request that failed before its answer began is sent again (only when
    /// that cannot change the outcome: see `UpstreamRetryPolicy`).
    public var retries: Int = 2

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, type, buckets, path, endpoint, region, accessKeyId, secretAccessKey, webIdentity, anonymous
        case maxConnections, connectTimeoutSeconds, readTimeoutSeconds, retries
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        type = try c.decode(Kind.self, forKey: .type)
        buckets = try c.decodeIfPresent([String].self, forKey: .buckets) ?? buckets
        path = try c.decodeIfPresent(String.self, forKey: .path)
        endpoint = try c.decodeIfPresent(String.self, forKey: .endpoint)
        region = try c.decodeIfPresent(String.self, forKey: .region) ?? region
        accessKeyId = try c.decodeIfPresent(SecretReference.self, forKey: .accessKeyId)
        secretAccessKey = try c.decodeIfPresent(SecretReference.self, forKey: .secretAccessKey)
        webIdentity = try c.decodeIfPresent(WebIdentitySettings.self, forKey: .webIdentity)
        anonymous = try c.decodeIfPresent(Bool.self, forKey: .anonymous) ?? anonymous
        maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections) ?? maxConnections
        connectTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .connectTimeoutSeconds) ?? connectTimeoutSeconds
        readTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .readTimeoutSeconds) ?? readTimeoutSeconds
        retries = try c.decodeIfPresent(Int.self, forKey: .retries) ?? retries
    }
}
