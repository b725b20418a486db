/// Everything the evaluator needs to know about a request.
///
/// Built once per request by the caller (the S3 classifier or the STS handler). All of
/// ``requests`` must be allowed: CopyObject needs `s3:PutObject` on the destination **and**
/// `s3:GetObject` on the source.
///
/// (Named so as not to clash with Hummingbird's `RequestContext` protocol.)
public struct AuthorizationContext: Sendable, Equatable {
    /// The (action, resource) pairs that must all be allowed.
    public var requests: [AccessRequest]
    /// Condition key values (`aws:SourceIp`, `s3:prefix`, `jwt:sub`, `aws:PrincipalTag/team`, …);
    /// also the source of `${…}` policy variables.
    public var conditionValues: ConditionValues
    /// Who is calling, for `Principal`/`NotPrincipal` in trust and resource policies, by principal
    /// type: `["Federated": ["127.0.0.1:8090/dev-issuer", "arn:aws:iam::123456789012:oidc-provider/…"]]`.
    /// Principal types are case-sensitive, as in AWS.
    public var principals: [String: [String]]
    /// Condition keys (lower-cased) whose values this context leaves open, to ask whether *some*
    /// request could be allowed rather than whether this one is: ListBuckets asks whether some
    /// `s3:ListBucket` on a bucket could be allowed, whatever `s3:prefix` it would carry. A clause
    /// on such a key that has no value here counts as satisfied in an `Allow` statement and as
    /// not satisfied in a `Deny` statement (the reading under which the request may be allowed).
    /// Empty for every real request: this never authorises an operation.
    public var undeterminedConditionKeys: Set<String> = []

    public init(
        requests: [AccessRequest],
        conditionValues: ConditionValues = ConditionValues(),
        principals: [String: [String]] = [:]
    ) {
        self.requests = requests
        self.conditionValues = conditionValues
        self.principals = principals
    }

    /// A context for a single action on a single resource.
    public init(
        action: String,
        resource: String,
        conditionValues: ConditionValues = ConditionValues(),
        principals: [String: [String]] = [:]
    ) {
        self.init(requests: [AccessRequest(action: action, resource: resource)], conditionValues: conditionValues, principals: principals)
    }
}
