import Logging
import Shared

/// The success answer of AssumeRoleWithWebIdentity, in AWS's element order.
struct AssumeRoleWithWebIdentityResult: Sendable {
    let subject: String
    let audience: String
    let assumedRoleARN: String
    let assumedRoleID: String
    let accessKeyID: String
    let secretAccessKey: String
    let sessionToken: String
    let expiration: Int64
    let provider: String
    let packedPolicySize: Int?
    var sourceIdentity: String? = nil

    /// What the request's log line records about the session; never the secret or the token.
    var logMetadata: Logger.Metadata {
        [
            "assumed_role": .string(assumedRoleARN), "subject": .string(subject), "issuer": .string(provider),
            "access_key_id": .string(accessKeyID), "expires": .stringConvertible(expiration),
            "source_identity": .string(sourceIdentity ?? ""),
        ]
    }

    func xml(requestID: String) -> String {
        var packed = ""
        if let packedPolicySize { packed = "\n    <PackedPolicySize>\(packedPolicySize)</PackedPolicySize>" }
        if let sourceIdentity { packed += "\n    <SourceIdentity>\(sourceIdentity.xmlEscaped)</SourceIdentity>" }
        return """
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <SubjectFromWebIdentityToken>\(subject.xmlEscaped)</SubjectFromWebIdentityToken>
                <Audience>\(audience.xmlEscaped)</Audience>
                <AssumedRoleUser>
                  <Arn>\(assumedRoleARN.xmlEscaped)</Arn>
                  <AssumedRoleId>\(assumedRoleID.xmlEscaped)</AssumedRoleId>
                </AssumedRoleUser>
                <Credentials>
                  <SessionToken>\(sessionToken)</SessionToken>
                  <SecretAccessKey>\(secretAccessKey.xmlEscaped)</SecretAccessKey>
                  <Expiration>\(ISO8601.seconds(expiration))</Expiration>
                  <AccessKeyId>\(accessKeyID)</AccessKeyId>
                </Credentials>
                <Provider>\(provider.xmlEscaped)</Provider>\(packed)
              </AssumeRoleWithWebIdentityResult>
              <ResponseMetadata>
                <RequestId>\(requestID)</RequestId>
              </ResponseMetadata>
            </AssumeRoleWithWebIdentityResponse>

            """
    }
}
