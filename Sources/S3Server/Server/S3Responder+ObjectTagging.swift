import Hummingbird
import Logging
import NIOCore
import Shared

extension S3Responder {
    /// PutObjectTagging: the tags are in the body, and `s3:RequestObjectTag/<key>` and
    /// `s3:RequestObjectTagKeys` must see them, so the (small, verified) body is read first,
    /// the request authorised with those keys, and the body replayed to the backend.
    func authorizeTagging(
        _ operation: S3Operation, body: BackendRequestBody, outcome: BodyOutcome, auth: AuthenticatedRequest,
        facts: S3Authorizer.RequestFacts, logger: Logger
    ) async throws(S3Error) -> BackendRequestBody {
        var bytes: [UInt8] = []
        do {
            for try await buffer in body {
                guard bytes.count + buffer.readableBytes <= TaggingDocument.maximumSize else {
                    throw S3Error.xmlTooLarge(maximum: TaggingDocument.maximumSize)
                }
                bytes += buffer.readableBytesView
            }
        } catch {
            throw bodyError(outcome) ?? (error as? S3Error) ?? .incompleteBody
        }
        if let error = bodyError(outcome) { throw error }
        let tagging = try TaggingDocument(parsing: bytes)
        let withTags = S3Operation(
            name: operation.name, bucket: operation.bucket, key: operation.key, permissions: operation.permissions,
            conditionValues: operation.conditionValues.merging(tagging.conditionValues) { _, fromBody in fromBody })
        let decision = try authorizer.authorize(withTags.permissions, operation: withTags, auth: auth, facts: facts)
        guard decision.isAllowed else {
            logger.info("access denied", metadata: ["decision": .string(decision.description)])
            throw .accessDenied()
        }
        // Verified already: the replay is checked for its length only.
        let replayOutcome = BodyOutcome()
        return VerifiedRequestBody(
            base: ClientRequestBody(
                base: RequestBody(buffer: ByteBuffer(bytes: bytes)), chunked: nil, trailers: TrailerBox(), outcome: replayOutcome),
            expectation: .unsigned, expectedLength: Int64(bytes.count), outcome: replayOutcome)
    }
}
