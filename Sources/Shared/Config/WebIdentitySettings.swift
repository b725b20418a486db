/// `backends[].webIdentity`: the proxy's own identity for an `s3` backend, as IRSA and GKE
/// workload identity provide it. S3Server exchanges the projected token in `tokenFile` for
/// temporary credentials with `AssumeRoleWithWebIdentity` at `stsEndpoint`, re-reading the file
/// on every refresh because the kubelet rotates it.
public struct WebIdentitySettings: Sendable, Decodable, Equatable {
    /// The STS endpoint, e.g. `https://sts.eu-central-1.amazonaws.com` or a Portcullis STSServer.
    public var stsEndpoint: String
    /// The role to assume.
    public var roleArn: String
    /// A file holding the OIDC token (relative paths resolve against the configuration file).
    public var tokenFile: String
    /// `RoleSessionName`; shows up in the backend's view of the caller.
    public var sessionName: String = "portcullis"
    /// `DurationSeconds` asked for (900–43200; the role's maximum may be lower).
    public var durationSeconds: Int = 3600
    /// Refresh when less than this remains; default max(300 s, 10 % of the credentials' lifetime).
    public var refreshBeforeExpirySeconds: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case stsEndpoint, roleArn, tokenFile, sessionName, durationSeconds, refreshBeforeExpirySeconds
    }

    public init(
        stsEndpoint: String, roleArn: String, tokenFile: String, sessionName: String = "portcullis", durationSeconds: Int = 3600,
        refreshBeforeExpirySeconds: Int? = nil
    ) {
        self.stsEndpoint = stsEndpoint
        self.roleArn = roleArn
        self.tokenFile = tokenFile
        self.sessionName = sessionName
        self.durationSeconds = durationSeconds
        self.refreshBeforeExpirySeconds = refreshBeforeExpirySeconds
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stsEndpoint = try c.decode(String.self, forKey: .stsEndpoint)
        roleArn = try c.decode(String.self, forKey: .roleArn)
        tokenFile = try c.decode(String.self, forKey: .tokenFile)
        sessionName = try c.decodeIfPresent(String.self, forKey: .sessionName) ?? sessionName
        durationSeconds = try c.decodeIfPresent(Int.self, forKey: .durationSeconds) ?? durationSeconds
        refreshBeforeExpirySeconds = try c.decodeIfPresent(Int.self, forKey: .refreshBeforeExpirySeconds)
    }

    /// The first problem with the values, as (field below `webIdentity`, message).
    func problem() -> (field: String, message: String)? {
        if !(stsEndpoint.hasPrefix("https://") || stsEndpoint.hasPrefix("http://")) {
            return ("stsEndpoint", "expected an http(s) URL, got '\(stsEndpoint)'")
        }
        if !roleArn.hasPrefix("arn:") || roleArn.count < 20 || roleArn.count > 2048 {
            return ("roleArn", "expected a role ARN (arn:…:iam::…:role/…), got '\(roleArn)'")
        }
        if tokenFile.isEmpty { return ("tokenFile", "must not be empty") }
        let nameCharacters = sessionName.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))) || "_+=,.@-".unicodeScalars.contains(scalar)
        }
        if !(2...64).contains(sessionName.count) || !nameCharacters {
            return ("sessionName", "must be 2 to 64 characters of [A-Za-z0-9_+=,.@-], as in STS")
        }
        if !(900...43200).contains(durationSeconds) {
            return ("durationSeconds", "must be between 900 and 43200 seconds, as in STS")
        }
        if let margin = refreshBeforeExpirySeconds, !(1..<durationSeconds).contains(margin) {
            return ("refreshBeforeExpirySeconds", "must be at least 1 and less than durationSeconds")
        }
        return nil
    }
}
