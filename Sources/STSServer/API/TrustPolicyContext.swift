import Foundation
import Shared

/// The request context a role's trust policy is evaluated against, in AWS's vocabulary:
/// the federated principal is the OIDC provider, and claims appear as `<provider>:<claim>`
/// where `<provider>` is the issuer URL without its scheme (e.g. `token.actions.githubusercontent.com:sub`).
enum TrustPolicyContext {
    static func make(
        identity: VerifiedIdentityToken, roleARN: String, accountID: String, sessionName: String,
        frozenClaims: [String: [String]], tags: SessionTagsClaim?, sourceIdentity: String? = nil, sourceIP: String?, now: Int64
    ) -> AuthorizationContext {
        let provider = OIDCProviderID.from(issuer: identity.issuer)
        var values: [String: [String]] = [
            "\(provider):sub": [identity.subject],
            "\(provider):aud": [identity.audience],
            "\(provider):iss": [identity.issuer],
            "sts:RoleSessionName": [sessionName],
            "aws:CurrentTime": [ISO8601.seconds(now)],
            "aws:EpochTime": [String(now)],
            "aws:FederatedProvider": [provider],
        ]
        if let azp = identity.authorizedParty { values["\(provider):azp"] = [azp] }
        if let amr = identity.claims["amr"] {
            values["\(provider):amr"] = amr.arrayValue?.compactMap(\.scalarText) ?? amr.scalarText.map { [$0] } ?? []
        }
        if let sourceIP { values["aws:SourceIp"] = [sourceIP] }
        for (claim, claimValues) in frozenClaims { values["jwt:\(claim)"] = claimValues }
        var requests = [AccessRequest(action: "sts:AssumeRoleWithWebIdentity", resource: roleARN)]
        if let tags, !tags.tags.isEmpty {
            requests.append(AccessRequest(action: "sts:TagSession", resource: roleARN))
            for (key, value) in tags.tags { values["aws:RequestTag/\(key)"] = [value] }
            values["aws:TagKeys"] = tags.tags.keys.sorted()
        }
        if let sourceIdentity {
            // As in AWS: setting a source identity is its own permission in the trust policy.
            requests.append(AccessRequest(action: "sts:SetSourceIdentity", resource: roleARN))
            values["sts:SourceIdentity"] = [sourceIdentity]
        }
        let principals = [
            "Federated": [
                "arn:aws:iam::\(accountID):oidc-provider/\(provider)", "arn:aws:iam:::oidc-provider/\(provider)", provider,
            ]
        ]
        return AuthorizationContext(requests: requests, conditionValues: ConditionValues(values), principals: principals)
    }

}
