/// What a session token carries. S3Server learns everything about a session from it, so
/// nothing is shared between STSServer and S3Server but keys. Field names are short because
/// the token travels in every request (and in presigned URLs).
public struct SessionClaims: Codable, Sendable, Equatable {
    /// Format version.
    public var v: Int = 1
    /// The access key id bound to this token.
    public var akid: String
    /// Token id; input to the secret derivation, so each session has its own secret.
    public var jti: String
    /// Always `portcullis-sts`.
    public var iss: String = SessionClaims.issuer
    public var iat: Int64
    public var exp: Int64
    /// Role ARN.
    public var role: String
    /// Role session name.
    public var rsn: String
    /// OIDC subject, issuer and the audience that matched.
    public var sub: String
    public var oiss: String
    public var oaud: String
    /// Which derivation key produced the secret.
    public var dkid: String
    /// OIDC claims frozen at STS time for `${jwt:*}` policy variables; single strings or lists.
    public var claims: [String: [String]] = [:]
    /// Session tags, `aws:PrincipalTag/<key>`.
    public var tags: [String: String] = [:]
    /// Inline session policy (JSON text), when the caller passed `Policy`.
    public var pol: String?
    /// Managed session policies (`PolicyArns`), resolved by S3Server from its configuration.
    public var parns: [String]?
    /// Source identity from the token's `https://aws.amazon.com/source_identity` claim.
    public var srcid: String?

    public static let issuer = "portcullis-sts"

    public init(
        akid: String, jti: String, iat: Int64, exp: Int64, role: String, rsn: String,
        sub: String, oiss: String, oaud: String, dkid: String,
        claims: [String: [String]] = [:], tags: [String: String] = [:], pol: String? = nil, parns: [String]? = nil,
        srcid: String? = nil
    ) {
        self.akid = akid
        self.jti = jti
        self.iat = iat
        self.exp = exp
        self.role = role
        self.rsn = rsn
        self.sub = sub
        self.oiss = oiss
        self.oaud = oaud
        self.dkid = dkid
        self.claims = claims
        self.tags = tags
        self.pol = pol
        self.parns = parns
        self.srcid = srcid
    }

    enum CodingKeys: String, CodingKey {
        case v, akid, jti, iss, iat, exp, role, rsn, sub, oiss, oaud, dkid, claims, tags, pol, parns, srcid
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        v = try c.decode(Int.self, forKey: .v)
        akid = try c.decode(String.self, forKey: .akid)
        jti = try c.decode(String.self, forKey: .jti)
        iss = try c.decode(String.self, forKey: .iss)
        iat = try c.decode(Int64.self, forKey: .iat)
        exp = try c.decode(Int64.self, forKey: .exp)
        role = try c.decode(String.self, forKey: .role)
        rsn = try c.decode(String.self, forKey: .rsn)
        sub = try c.decode(String.self, forKey: .sub)
        oiss = try c.decode(String.self, forKey: .oiss)
        oaud = try c.decode(String.self, forKey: .oaud)
        dkid = try c.decode(String.self, forKey: .dkid)
        claims = try c.decodeIfPresent([String: [String]].self, forKey: .claims) ?? [:]
        tags = try c.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
        pol = try c.decodeIfPresent(String.self, forKey: .pol)
        parns = try c.decodeIfPresent([String].self, forKey: .parns)
        srcid = try c.decodeIfPresent(String.self, forKey: .srcid)
    }

    /// The assumed-role ARN, `arn:aws:sts::<account>:assumed-role/<role name>/<session name>`.
    public var assumedRoleARN: String {
        guard let arn = RoleARN(role) else { return "" }
        return "arn:aws:sts::\(arn.accountId):assumed-role/\(arn.name)/\(rsn)"
    }
}
