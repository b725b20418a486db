/// A credential scope, `yyyymmdd/region/service/aws4_request`: the part of the credential that,
/// with the secret, determines the signing key.
public struct SigV4Scope: Sendable, Hashable, CustomStringConvertible {
    /// `yyyymmdd`.
    public var date: String
    public var region: String
    public var service: String

    public init(date: String, region: String, service: String) {
        self.date = date
        self.region = region
        self.service = service
    }

    /// The scope for a timestamp: its UTC day, `region` and `service`.
    public init(date: AmzDate, region: String, service: String) {
        self.init(date: date.dateStamp, region: region, service: service)
    }

    /// `yyyymmdd/region/service/aws4_request`, as it appears in the string to sign.
    public var string: String { "\(date)/\(region)/\(service)/aws4_request" }

    public var description: String { string }
}
