import Crypto
import Shared

extension STSService {
    /// The pieces of an HTTP request that its SigV4 signature covers.
    struct SignedRequest: Sendable {
        let method: String
        /// Path and query exactly as received.
        let rawTarget: String
        /// Header fields, `host` included.
        let headers: [(name: String, value: String)]
        /// Hex SHA-256 of the body (of the empty string for GET).
        let bodySHA256: String
    }

    /// GetCallerIdentity: who the temporary credentials that signed this request belong to.
    /// Signed with SigV4 for service `sts` (header or presigned, as aws-iam-authenticator
    /// does); the session token is verified before the signature, exactly as S3Server does.
    func getCallerIdentity(_ request: SignedRequest?, facts: RequestFacts, requestID: String) throws(STSError) -> String {
        guard let request, let sessions else { throw Self.missingAuthentication }
        let sigV4Request = SigV4Request(method: request.method, requestTarget: request.rawTarget, headers: request.headers)
        let verifier = SigV4Verifier(options: .init(service: "sts", requireContentSHA256: false))
        let parsed: SigV4Authorization?
        do {
            parsed = try verifier.authorization(for: sigV4Request)
        } catch {
            throw Self.stsError(for: error)
        }
        guard let auth = parsed else { throw Self.missingAuthentication }
        guard let token = auth.securityToken else { throw Self.invalidClientToken }
        let session: SessionTokenVerifier.Session
        do {
            session = try sessions.verify(token: token, accessKeyID: auth.accessKeyID, now: facts.now)
        } catch .expired {
            throw STSError("ExpiredToken", "The security token included in the request is expired", status: 400)
        } catch {
            throw Self.invalidClientToken
        }
        do {
            // Outside S3 the payload is always hashed, presigned URLs included (no UNSIGNED-PAYLOAD).
            _ = try verifier.verify(
                auth, request: sigV4Request, secretAccessKey: session.secretAccessKey, now: facts.now, payloadHash: request.bodySHA256)
        } catch {
            throw Self.stsError(for: error)
        }
        let claims = session.claims
        return GetCallerIdentityResult(
            arn: claims.assumedRoleARN, userID: "\(RoleID.forRole(arn: claims.role)):\(claims.rsn)",
            account: RoleARN(claims.role)?.accountId ?? accountID
        ).xml(requestID: requestID)
    }

    static let missingAuthentication = STSError("MissingAuthenticationToken", "Request is missing Authentication Token", status: 403)
    static let invalidClientToken = STSError("InvalidClientTokenId", "The security token included in the request is invalid.", status: 403)

    /// STS's codes for SigV4 failures (not S3's): time problems are "Signature expired", which
    /// SDKs recognise for clock-skew correction.
    static func stsError(for error: SigV4Error) -> STSError {
        switch error {
        case .signatureDoesNotMatch:
            STSError(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                status: 403)
        case .requestTimeTooSkewed(let requestTime, let serverTime, let maxSkew):
            STSError(
                "SignatureDoesNotMatch",
                "Signature expired: \(requestTime.text) is now earlier than \(AmzDate(epochSeconds: serverTime.epochSeconds - maxSkew).text) (\(serverTime.text) - \(maxSkew / 60) min.)",
                status: 403)
        case .requestExpired, .requestNotYetValid:
            STSError("SignatureDoesNotMatch", "Signature expired: the presigned request is not valid at this time", status: 403)
        default:
            STSError("IncompleteSignature", error.message, status: 400)
        }
    }
}

/// The XML answer to GetCallerIdentity.
struct GetCallerIdentityResult: Sendable {
    let arn: String
    let userID: String
    let account: String

    func xml(requestID: String) -> String {
        """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <GetCallerIdentityResult>
            <Arn>\(arn.xmlEscaped)</Arn>
            <UserId>\(userID.xmlEscaped)</UserId>
            <Account>\(account.xmlEscaped)</Account>
          </GetCallerIdentityResult>
          <ResponseMetadata>
            <RequestId>\(requestID)</RequestId>
          </ResponseMetadata>
        </GetCallerIdentityResponse>

        """
    }
}
