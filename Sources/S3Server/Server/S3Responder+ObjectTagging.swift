import Crypto
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Shared

extension S3Responder {
    /// PutObjectTagging: the tags are in the body, and `s3:RequestObjectTag/<key>` and
    /// `s3:RequestObjectTagKeys` must see them, so the (small, verified) body is read first,
    /// the request authorised with those keys, and the body replayed to the backend.
    /// - Returns: the request and body the backend gets: the authorised tags re-serialised, with
    ///   their own length, SHA-256 and Content-MD5 (the client's digests were for its bytes).
    func authorizeTagging(
        _ request: BackendRequest, body: BackendRequestBody, outcome: BodyOutcome, auth: AuthenticatedRequest,
        facts: S3Authorizer.RequestFacts, logger: Logger
    ) async throws(S3Error) -> (BackendRequest, BackendRequestBody) {
        let operation = request.operation
        let bytes = try await collectVerifiedBody(body, outcome: outcome, limit: TaggingDocument.maximumSize)
        let tagging = try TaggingDocument(parsing: bytes)
        // The tags set are the body's alone: an `x-amz-tagging` header on this request sets nothing.
        let conditions = operation.conditionValues.filter { !$0.key.hasPrefix("s3:RequestObjectTag") }
            .merging(tagging.conditionValues) { _, fromBody in fromBody }
        let withTags = S3Operation(
            name: operation.name, bucket: operation.bucket, key: operation.key, permissions: operation.permissions,
            conditionValues: conditions)
        let decision = try authorizer.authorize(withTags.permissions, operation: withTags, auth: auth, facts: facts)
        guard decision.isAllowed else {
            logger.info("access denied", metadata: ["decision": .string(decision.description)])
            throw .accessDenied()
        }
        // The backend gets the authorised tags re-serialised, not the client's bytes.
        let replay = Array(tagging.xml().utf8)
        var headers = HTTPFields(request.headers.filter { field in
            let name = field.name.canonicalName
            return name != "content-md5" && !name.hasPrefix("x-amz-checksum-") && name != "x-amz-sdk-checksum-algorithm"
        })
        headers[HTTPField.Name("Content-MD5")!] = Base64.encode(Array(Insecure.MD5.hash(data: replay)))
        let replayRequest = BackendRequest(
            operation: operation, method: request.method, target: request.target, headers: headers, contentLength: Int64(replay.count),
            payloadSHA256: Hex.encode(SHA256.hash(data: replay)), requestID: request.requestID, clientLoop: request.clientLoop)
        let replayOutcome = BodyOutcome()
        let replayBody = VerifiedRequestBody(
            base: ClientRequestBody(
                base: RequestBody(buffer: ByteBuffer(bytes: replay)), chunked: nil, trailers: TrailerBox(), outcome: replayOutcome),
            expectation: .unsigned, expectedLength: Int64(replay.count), outcome: replayOutcome)
        return (replayRequest, replayBody)
    }
}
