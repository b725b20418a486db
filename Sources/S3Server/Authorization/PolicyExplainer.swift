import HTTPTypes
import Shared

/// Answers "would this session be allowed to do this, and why?" through the same classifier
/// and authoriser the server uses, so an explanation cannot drift from a real decision.
struct PolicyExplainer {
    let authorizer: S3Authorizer

    /// The session an explanation is about: what STS would have frozen into the token.
    struct Session {
        var role: String
        var sessionName = "explain"
        var subject = "explain"
        var tags: [String: String] = [:]
        var claims: [String: [String]] = [:]
        var sessionPolicy: String?
        /// Managed session policies (STS `PolicyArns`), resolved through `managedPolicies:`.
        var policyARNs: [String] = []
    }

    /// The request: either an S3 request line (classified as the server would) or explicit pairs.
    enum Subject {
        case request(method: String, target: String, headers: [(String, String)])
        case permissions([S3Operation.Permission])
    }

    struct Explanation {
        let operation: String?
        let permissions: [S3Operation.Permission]
        let decision: Decision?
        /// Why there is no decision (an unclassified request, an unknown role).
        let refusal: String?

        var allowed: Bool { decision?.isAllowed ?? false }

        var text: String {
            var lines: [String] = []
            if let operation { lines.append("operation: \(operation)") }
            for permission in permissions { lines.append("needs:     \(permission.action) on \(permission.resource)") }
            if let refusal {
                lines.append("decision:  DENY — \(refusal)")
            } else if let decision {
                switch decision {
                case .allow(let statements):
                    lines.append("decision:  ALLOW")
                    for statement in statements { lines.append("  allowed by \(statement)") }
                case .explicitDeny(let statement, let request):
                    lines.append("decision:  DENY (explicit)")
                    lines.append("  \(request.action) on \(request.resource) is denied by \(statement)")
                case .implicitDeny(let request, let set):
                    lines.append("decision:  DENY (implicit: nothing allows it)")
                    lines.append("  no statement in the \(set == .role ? "role's" : "session") policies allows \(request.action) on \(request.resource)")
                }
            }
            return lines.joined(separator: "\n")
        }
    }

    func explain(
        _ subject: Subject, session: Session, conditions: [String: [String]], sourceIP: String?, secure: Bool, now: Int64
    ) -> Explanation {
        let operation: S3Operation
        switch subject {
        case .request(let method, let target, let headers):
            do {
                var fields = HTTPFields()
                for (name, value) in headers {
                    guard let name = HTTPField.Name(name) else { return refusal("invalid header name \(name)") }
                    fields.append(HTTPField(name: name, value: value))
                }
                operation = try S3RequestClassifier.classify(
                    method: HTTPRequest.Method(method.uppercased()) ?? .get, target: try RequestTarget(target), headers: fields)
            } catch {
                return refusal("the request is not classified: \(error.code) \(error.message)")
            }
        case .permissions(let permissions):
            operation = S3Operation(name: .getObject, bucket: nil, key: nil, permissions: permissions, conditionValues: [:])
        }
        guard authorizer.roles.current.role(arn: session.role) != nil else {
            return Explanation(
                operation: nil, permissions: operation.permissions, decision: nil, refusal: "no role \(session.role) is configured")
        }
        // `sub` is carried on its own in a session; a `--claim sub=…` means the subject.
        var claims = session.claims
        let subjectID = claims.removeValue(forKey: "sub")?.first ?? session.subject
        let token = SessionClaims(
            akid: "ASIAEXPLAINEXPLAIN00", jti: "explain", iat: now, exp: now + 3600, role: session.role, rsn: session.sessionName,
            sub: subjectID, oiss: "explain", oaud: "explain", dkid: "explain", claims: claims, tags: session.tags,
            pol: session.sessionPolicy, parns: session.policyARNs.isEmpty ? nil : session.policyARNs)
        let auth = AuthenticatedRequest(
            session: token, accessKeyID: token.akid, signatureVersion: .v4, authType: .header, payload: .unsigned,
            signatureAgeMilliseconds: nil)
        guard !operation.permissions.isEmpty else {
            return refusal("\(operation.name.rawValue) is authorised key by key: explain s3:DeleteObject on each key instead")
        }
        let operationWithConditions = S3Operation(
            name: operation.name, bucket: operation.bucket, key: operation.key, permissions: operation.permissions,
            conditionValues: operation.conditionValues.merging(conditions) { _, given in given }, copySource: operation.copySource)
        let facts = S3Authorizer.RequestFacts(
            sourceIP: sourceIP, secureTransport: secure, userAgent: nil, referer: nil, contentSHA256: nil, now: now)
        let decision: Decision
        do {
            decision = try authorizer.authorize(operation.permissions, operation: operationWithConditions, auth: auth, facts: facts)
        } catch {
            return Explanation(
                operation: operation.name.rawValue, permissions: operation.permissions, decision: nil,
                refusal: "\(error.code): the session policy does not parse, or a policy ARN is not in managedPolicies")
        }
        let name: String? = if case .request = subject { operation.name.rawValue } else { nil }
        return Explanation(operation: name, permissions: operation.permissions, decision: decision, refusal: nil)
    }

    private func refusal(_ why: String) -> Explanation {
        Explanation(operation: nil, permissions: [], decision: nil, refusal: why)
    }
}
