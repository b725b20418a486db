/// The `s3:` section.
public struct S3Settings: Sendable, Decodable {
    /// Data-plane address. Overridden by `PORTCULLIS_S3_LISTEN`.
    public var listen: String = "127.0.0.1:8080"
    /// `/healthz`, `/readyz` and `/metrics`; separate because `metrics` is a valid bucket name.
    /// Overridden by `PORTCULLIS_S3_ADMIN_LISTEN`.
    public var adminListen: String = "127.0.0.1:9080"
    /// The region S3Server answers for (GetBucketLocation, error `<Region>`).
    public var region: String = "us-east-1"
    /// Allowed clock difference for header-signed requests, as S3 (15 minutes).
    public var maxClockSkewSeconds: Int = 900
    /// Host names S3Server is reached at for virtual-hosted-style requests: a request to
    /// `bucket.<base domain>` addresses `bucket`; any other Host is path-style.
    public var baseDomains: [String] = []
    /// Serve the data plane over TLS (clients then send aws-chunked uploads with trailing checksums).
    public var tls: TLSSettings?
    /// Peers (CIDRs) whose `X-Forwarded-For`, `-Host` and `-Proto` headers are believed: load
    /// balancers in front of S3Server. From anyone else those headers are ignored.
    public var trustedProxies: [String] = []

    /// A PEM certificate chain and its private key.
    public struct TLSSettings: Sendable, Decodable {
        public var certificateFile: String
        public var privateKeyFile: String

        enum CodingKeys: String, CodingKey, CaseIterable { case certificateFile, privateKeyFile }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            certificateFile = try c.decode(String.self, forKey: .certificateFile)
            privateKeyFile = try c.decode(String.self, forKey: .privateKeyFile)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, adminListen, region, maxClockSkewSeconds, baseDomains, tls, trustedProxies
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        listen = try c.decodeIfPresent(String.self, forKey: .listen) ?? listen
        adminListen = try c.decodeIfPresent(String.self, forKey: .adminListen) ?? adminListen
        region = try c.decodeIfPresent(String.self, forKey: .region) ?? region
        maxClockSkewSeconds = try c.decodeIfPresent(Int.self, forKey: .maxClockSkewSeconds) ?? maxClockSkewSeconds
        baseDomains = try c.decodeIfPresent([String].self, forKey: .baseDomains) ?? []
        tls = try c.decodeIfPresent(TLSSettings.self, forKey: .tls)
        trustedProxies = try c.decodeIfPresent([String].self, forKey: .trustedProxies) ?? []
    }
}
