import HTTPTypes
import Logging
import NIOCore
import Shared

extension S3Responder {
    /// DeleteObjects: the keys are in the body, so authorisation happens here, one key at a time,
    /// after the body was read and verified. Keys the policy refuses come back as `AccessDenied`
    /// entries of a 200 answer, as S3 reports them; the backend deletes only the rest.
    func deleteObjects(
        _ request: BackendRequest, bucket: String, body: BackendRequestBody, outcome: BodyOutcome, backend: any S3Backend,
        auth: AuthenticatedRequest, facts: S3Authorizer.RequestFacts, logger: Logger
    ) async throws(S3Error) -> BackendResponse {
        let bytes = try await collectVerifiedBody(body, outcome: outcome, limit: DeleteObjectsRequest.maximumSize)
        let parsed = try DeleteObjectsRequest(parsing: bytes)

        let bypassGovernance = request.headers[HTTPField.Name("x-amz-bypass-governance-retention")!] != nil
        var entries: [DeleteObjectsResult.Entry] = []
        var allowed: [DeleteObjectsRequest.Object] = []
        for object in parsed.objects {
            let keyOperation = Self.deleteOperation(for: object, bucket: bucket, in: request.operation, bypassGovernance: bypassGovernance)
            let decision = try authorizer.authorize(keyOperation.permissions, operation: keyOperation, auth: auth, facts: facts)
            if decision.isAllowed {
                allowed.append(object)
            } else {
                logger.info("access denied", metadata: ["key": .string(object.key), "decision": .string(decision.description)])
                entries.append(.failed(object, code: "AccessDenied", message: "Access Denied"))
            }
        }
        if !allowed.isEmpty {
            do {
                entries += try await backend.deleteObjects(bucket: bucket, objects: allowed, request: request)
            } catch let error as S3Error {
                throw error
            } catch {
                throw Self.backendFailure(error, logger: logger)
            }
        }
        return .xml(DeleteObjectsResult(entries: entries).xml(quiet: parsed.quiet))
    }

    /// The DeleteObject (or DeleteObjectVersion) one key of the list amounts to, with the
    /// request's header conditions and the key's own `s3:VersionId`.
    static func deleteOperation(
        for object: DeleteObjectsRequest.Object, bucket: String, in operation: S3Operation, bypassGovernance: Bool
    ) -> S3Operation {
        let arn = S3Operation.objectARN(bucket, object.key)
        var permissions = [S3Operation.Permission(action: object.versionID == nil ? "s3:DeleteObject" : "s3:DeleteObjectVersion", resource: arn)]
        if bypassGovernance { permissions.append(.init(action: "s3:BypassGovernanceRetention", resource: arn)) }
        var conditions = operation.conditionValues
        if let version = object.versionID { conditions["s3:VersionId"] = [version] }
        return S3Operation(name: .deleteObject, bucket: bucket, key: object.key, permissions: permissions, conditionValues: conditions)
    }
}
