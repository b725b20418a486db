/// One entry of `backends:`: where objects of matching buckets are stored.
public struct BackendSettings: Sendable, Decodable {
    public enum Kind: String, Sendable, Decodable {
        /// Any S3-compatible endpoint; requests are re-signed with the backend's own credentials.
        case s3
        /// The embedded store on a local folder.
        case filesystem
    }

    /// How a proxied request addresses the bucket upstream.
    public enum Addressing: String, Sendable, Decodable {
        /// `https://host/bucket/key`.
        case path
        /// `Host: bucket.host`, path `/key` (the connection still goes to the endpoint's address).
        case virtual
    }

    public var name: String
    public var type: Kind
    /// The buckets routed to this backend (names, globs, optionally renamed or under a key
    /// prefix); the first backend with a matching entry (and region) wins.
    public var buckets: [BucketRouteSettings] = [BucketRouteSettings(bucket: "*")]
    /// SigV4 regions of the requests this backend takes (the client's credential-scope region);
    /// empty: any region. SigV2 requests carry no region and only reach backends without one.
    public var regions: [String] = []
    /// The backend that serves, with unchanged names, every bucket no other entry routes.
    public var isDefault: Bool = false
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
    /// `s3`: path-style (default) or virtual-hosted-style upstream requests.
    public var addressing: Addressing = .path
    /// `s3` over https: PEM file of the CAs that verify the backend's certificate, instead of
    /// the system store.
    public var caBundle: String?
    /// `s3` over https: skip certificate verification entirely (logged as a warning at startup).
    public var insecureSkipTLSVerify: Bool = false

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, type, buckets, regions, path, endpoint, region, accessKeyId, secretAccessKey, webIdentity, anonymous
        case maxConnections, connectTimeoutSeconds, readTimeoutSeconds, retries
        case addressing, caBundle, insecureSkipTLSVerify
        case isDefault = "default"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        type = try c.decode(Kind.self, forKey: .type)
        isDefault = try c.decodeIfPresent(Bool.self, forKey: .isDefault) ?? false
        // A default backend lists only the buckets it renames or prefixes; without `buckets`
        // any other backend serves every bucket, as before.
        buckets = try c.decodeIfPresent([BucketRouteSettings].self, forKey: .buckets) ?? (isDefault ? [] : buckets)
        regions = try c.decodeIfPresent([String].self, forKey: .regions) ?? []
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
        addressing = try c.decodeIfPresent(Addressing.self, forKey: .addressing) ?? .path
        caBundle = try c.decodeIfPresent(String.self, forKey: .caBundle)
        insecureSkipTLSVerify = try c.decodeIfPresent(Bool.self, forKey: .insecureSkipTLSVerify) ?? false
    }
}
