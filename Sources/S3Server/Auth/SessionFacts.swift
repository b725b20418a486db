import Shared

/// What a session brings to every one of its requests, worked out once per session (it is
/// cached with the verified token) rather than on every request.
struct SessionFacts: Sendable {
    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`: the principal in logs.
    let assumedRoleARN: String
    /// The condition keys the session alone determines: principal, token issue time, tags,
    /// the web-identity claims in `jwt:` and AWS's own `<provider>:sub` form.
    let conditionValues: ConditionValues

    init(_ session: SessionClaims) {
        assumedRoleARN = session.assumedRoleARN
        var values: [String: [String]] = [:]
        values["aws:PrincipalArn"] = [session.role]
        values["aws:PrincipalType"] = ["AssumedRole"]
        values["aws:TokenIssueTime"] = [ISO8601.seconds(session.iat)]
        for (key, value) in session.tags { values["aws:PrincipalTag/\(key)"] = [value] }
        for (claim, claimValues) in session.claims { values["jwt:\(claim)"] = claimValues }
        values["jwt:sub"] = [session.sub]
        values["jwt:iss"] = [session.oiss]
        values["jwt:aud"] = [session.oaud]
        // The web-identity keys in AWS's own form, as in `${token.actions.githubusercontent.com:sub}`.
        let provider = OIDCProviderID.from(issuer: session.oiss)
        values["\(provider):sub"] = [session.sub]
        values["\(provider):aud"] = [session.oaud]
        values["aws:FederatedProvider"] = [provider]
        if let sourceIdentity = session.srcid { values["aws:SourceIdentity"] = [sourceIdentity] }
        conditionValues = ConditionValues(values)
    }
}
