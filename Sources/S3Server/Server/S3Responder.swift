import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import Metrics
import NIOCore
import Shared

/// The S3 data plane, on Hummingbird's low-level responder so that `100 Continue` is sent only
/// after a request is authenticated and authorised, and a rejected upload is never read.
///
/// Per request: parse the raw target → authenticate → classify → authorise → route → stream.
struct S3Responder: Sendable {
    let authenticator: S3Authenticator
    let authorizer: S3Authorizer
    let router: BackendRouter
    let virtualHosts: VirtualHostResolver
    /// Whether the data plane listens with TLS (`aws:SecureTransport`).
    var secureTransport = false
    /// Which peers' X-Forwarded-* headers are believed.
    var forwarding = ForwardedRequest.Policy(trustedProxies: [])
    let logger: Logger
    let metrics = RequestMetrics(
        counterLabel: "portcullis_s3_requests_total", timerLabel: "portcullis_s3_request_duration_seconds", dimension: "operation")
    /// Seconds since the epoch; injectable for tests.
    let now: @Sendable () -> Int64

    func respond(_ request: Request, writer: consuming ResponseWriter, channel: any Channel) async throws {
        let started = ContinuousClock.now
        let requestID = Observability.newRequestID()
        var log = logger
        log[metadataKey: "request_id"] = .string(requestID)
        let rawTarget = request.head.path ?? "/"
        let outcome = BodyOutcome()
        var operationName = "Unknown"
        var principal: String?

        let result: Result<BackendResponse, S3Error>
        do {
            let (response, operation, auth) = try await handle(
                request, rawTarget: rawTarget, requestID: requestID, outcome: outcome, writer: writer,
                peer: channel.remoteAddress?.ipAddress, loop: channel.eventLoop, logger: log)
            operationName = operation.name.rawValue
            principal = auth.sessionFacts.assumedRoleARN
            result = .success(response)
        } catch {
            // `handle` throws only RequestFailure: every failure already has its S3 answer.
            operationName = error.operation ?? operationName
            principal = error.principal
            result = .failure(error.error)
        }

        var status: HTTPResponse.Status
        switch result {
        case .success(let response):
            status = response.status
            var headers = response.headers
            headers[HTTPField.Name("x-amz-request-id")!] = requestID
            headers[HTTPField.Name("x-amz-id-2")!] = requestID
            headers[.server] = "Portcullis"
            do {
                try await writer.write(response: HTTPResponse(status: response.status, headerFields: headers), body: response.body)
            } catch {
                // The client went away or the backend failed mid-stream: the connection is
                // closed so the client cannot take a truncated body for a whole one.
                log.warning("response stream failed", metadata: ["error": "\(error)"])
                channel.close(promise: nil)
            }
        case .failure(var error):
            error.resource = error.resource ?? String(request.uri.path)
            status = HTTPResponse.Status(code: error.status)
            var headers = HTTPFields()
            headers[HTTPField.Name("x-amz-request-id")!] = requestID
            headers[HTTPField.Name("x-amz-id-2")!] = requestID
            headers[.server] = "Portcullis"
            var body = ByteBuffer()
            if request.method != .head {
                body.writeString(error.xml(requestID: requestID, hostID: requestID))
                headers[.contentType] = "application/xml"
            }
            headers[.contentLength] = String(body.readableBytes)
            let unreadBody = Self.hasUnreadBody(request, outcome: outcome)
            if unreadBody { headers[.connection] = "close" }
            try? await writer.write(response: HTTPResponse(status: status, headerFields: headers), body: ResponseBody(byteBuffer: body))
            if unreadBody {
                await Self.closeAfterRejectedUpload(request, outcome: outcome, channel: channel)
            }
            log.info("request rejected", metadata: ["code": .string(error.code)])
        }

        let elapsed = ContinuousClock.now - started
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue), "target": .string(LogRedaction.target(rawTarget)),
            "operation": .string(operationName), "status": .stringConvertible(status.code),
            "duration_ms": .stringConvertible(Double(elapsed.components.attoseconds / 1_000_000_000_000_000) + Double(elapsed.components.seconds) * 1000),
        ]
        if let principal { metadata["principal"] = .string(principal) }
        log.info("request", metadata: metadata)
        metrics.record(operationName, status: status.code, duration: elapsed)
    }

    /// A failure with what was learnt before it, for logging.
    struct RequestFailure: Error {
        let error: S3Error
        var operation: String?
        var principal: String?
    }

    private func handle(
        _ request: Request, rawTarget: String, requestID: String, outcome: BodyOutcome, writer: borrowing ResponseWriter,
        peer: String?, loop: any EventLoop, logger: Logger
    ) async throws(RequestFailure) -> (BackendResponse, S3Operation, AuthenticatedRequest) {
        let now = self.now()
        let client = ForwardedRequest(
            peer: peer, authority: request.head.authority, listenerIsTLS: secureTransport, headers: request.headers, policy: forwarding)
        let target: RequestTarget
        let auth: AuthenticatedRequest
        let virtualBucket: String?
        let operation: S3Operation
        do {
            target = try RequestTarget(rawTarget)
            virtualBucket = try virtualHosts.bucket(forAuthority: client.authority)
            auth = try authenticator.authenticate(
                method: request.method.rawValue, target: target, rawTarget: rawTarget, authority: client.authority,
                headers: request.headers, virtualBucket: virtualBucket, now: now)
        } catch {
            throw RequestFailure(error: error)
        }
        let principal = auth.sessionFacts.assumedRoleARN
        do {
            operation = try S3RequestClassifier.classify(
                method: request.method, target: target, headers: request.headers, virtualBucket: virtualBucket)
        } catch {
            throw RequestFailure(error: error, principal: principal)
        }
        func fail(_ error: S3Error) -> RequestFailure {
            RequestFailure(error: error, operation: operation.name.rawValue, principal: principal)
        }
        let facts = S3Authorizer.RequestFacts(
            sourceIP: client.sourceIP, secureTransport: client.secure, userAgent: request.headers[.userAgent], referer: request.headers[.referer],
            contentSHA256: request.headers[HTTPField.Name("x-amz-content-sha256")!], now: now)
        // DeleteObjects names its keys in the body, PutObjectTagging its tags: those are
        // authorised once the body is read (see their extensions), everything else here.
        if !operation.isAuthorisedAfterBody {
            let decision: Decision
            do {
                decision = try authorizer.authorize(operation.permissions, operation: operation, auth: auth, facts: facts)
            } catch {
                throw fail(error)
            }
            guard decision.isAllowed else {
                logger.info("access denied", metadata: ["decision": .string(decision.description)])
                throw fail(.accessDenied())
            }
        }

        if operation.name == .listBuckets {
            do {
                return (try await listBuckets(operation: operation, auth: auth, facts: facts, logger: logger), operation, auth)
            } catch {
                throw fail(error)
            }
        }

        // What the backend receives: the plain body, or the decoded payload of an aws-chunked
        // body (whose own length, framing included, may be unknown with Transfer-Encoding: chunked).
        let decodedLengthHeader = request.headers[HTTPField.Name("x-amz-decoded-content-length")!]
        let contentLength: Int64?
        if auth.chunkedMode != nil {
            guard let decoded = decodedLengthHeader.flatMap({ Int64($0) }), decoded >= 0 else { throw fail(.missingContentLength) }
            contentLength = decoded
        } else {
            contentLength = request.headers[.contentLength].flatMap { Int64($0) }
        }
        if operation.hasRequestBody && contentLength == nil {
            throw fail(.missingContentLength)
        }
        if let contentLength, contentLength > 5 * 1024 * 1024 * 1024 {
            throw fail(.entityTooLarge)
        }
        var expectedMD5: [UInt8]?
        if operation.hasRequestBody, let contentMD5 = request.headers[HTTPField.Name("Content-MD5")!] {
            guard let digest = Base64URL.decodeStandard(contentMD5), digest.count == 16 else { throw fail(.invalidDigest) }
            expectedMD5 = digest
        }
        var checksum: (algorithm: ChecksumAlgorithm, base64: String)?
        var trailerChecksum: ChecksumAlgorithm?
        var expectedTrailers: [String] = []
        if operation.hasRequestBody {
            do {
                // On CompleteMultipartUpload an x-amz-checksum-* header is the whole object's
                // checksum (FULL_OBJECT uploads), for the store to check, not the XML body's.
                if operation.name != .completeMultipartUpload { checksum = try Self.checksumHeader(request.headers) }
                if auth.chunkedMode != nil, let trailer = request.headers[HTTPField.Name("x-amz-trailer")!] {
                    expectedTrailers = trailer.split(separator: ",").map { $0.trimmingASCIIWhitespace().lowercased() }
                    guard expectedTrailers.count == 1, let algorithm = ChecksumAlgorithm(headerName: expectedTrailers[0]), checksum == nil else {
                        throw S3Error.invalidRequest("The value specified in the x-amz-trailer header is not supported")
                    }
                    trailerChecksum = algorithm
                }
            } catch let error as S3Error {
                throw fail(error)
            } catch {
                throw fail(.internalError)
            }
        }
        if operation.name == .deleteObjects {
            // S3 requires an integrity check on this body; botocore sends a CRC32, others Content-MD5.
            guard expectedMD5 != nil || checksum != nil || trailerChecksum != nil else {
                throw fail(.invalidRequest("Missing required header for this request: Content-MD5"))
            }
            if let contentLength, contentLength > DeleteObjectsRequest.maximumSize {
                throw fail(.xmlTooLarge(maximum: DeleteObjectsRequest.maximumSize))
            }
        }
        if operation.name == .putObjectTagging, let contentLength, contentLength > TaggingDocument.maximumSize {
            throw fail(.xmlTooLarge(maximum: TaggingDocument.maximumSize))
        }
        let backend: any S3Backend
        do {
            backend = try route(operation, region: auth.signingRegion)
        } catch {
            throw fail(error)
        }
        guard let bucket = operation.bucket else { throw fail(.noSuchBucket("")) }
        // Authenticated and authorised: only now invite the body.
        if request.headers[.expect]?.lowercased() == "100-continue" {
            do {
                try await writer.writeInformationalHead(HTTPResponse(status: .continue))
            } catch {
                throw fail(.internalError)
            }
        }
        let trailers = TrailerBox()
        let clientBody = ClientRequestBody(
            base: request.body,
            chunked: auth.chunkedMode.map { .init(mode: $0, expectedTrailers: expectedTrailers, decodedLength: contentLength) },
            trailers: trailers, outcome: outcome)
        var body = VerifiedRequestBody(
            base: clientBody, expectation: auth.payload, expectedLength: contentLength ?? 0, expectedMD5: expectedMD5,
            checksum: checksum, trailerChecksum: trailerChecksum.map { ($0, trailers) }, outcome: outcome)
        var backendRequest = BackendRequest(
            operation: operation, method: request.method, target: target, headers: request.headers,
            contentLength: contentLength, payloadSHA256: auth.payload.sha256, requestID: requestID, clientLoop: loop)
        if operation.name == .putObjectTagging {
            do {
                (backendRequest, body) = try await authorizeTagging(
                    backendRequest, body: body, outcome: outcome, auth: auth, facts: facts, logger: logger)
            } catch {
                throw fail(error)
            }
        }
        if operation.name == .deleteObjects {
            do {
                let response = try await deleteObjects(
                    backendRequest, bucket: bucket, body: body, outcome: outcome, backend: backend, auth: auth, facts: facts,
                    logger: logger)
                return (response, operation, auth)
            } catch {
                throw fail(error)
            }
        }
        // A missing object is 404 only for callers who may list the bucket (as S3 does), whether
        // the backend answered 404 or threw it.
        func hidesMissingObject(_ status: Int) -> Bool {
            guard status == 404, [.getObject, .headObject, .getObjectAttributes].contains(operation.name) else { return false }
            let list = S3Operation.Permission(action: "s3:ListBucket", resource: S3Operation.bucketARN(bucket))
            return !((try? authorizer.authorize([list], operation: operation, auth: auth, facts: facts))?.isAllowed ?? false)
        }
        var response: BackendResponse
        do {
            response = try await backend.handle(backendRequest, body: body)
        } catch {
            let failure = bodyError(outcome) ?? (error as? S3Error) ?? Self.backendFailure(error, logger: logger)
            throw fail(hidesMissingObject(failure.status) ? .accessDenied() : failure)
        }
        if let error = bodyError(outcome) { throw fail(error) }

        // The client sent a checksum and we verified it: say so, as S3 does.
        let verifiedChecksum = checksum ?? trailerChecksum.flatMap { algorithm in
            trailers.value(named: algorithm.headerName).map { (algorithm: algorithm, base64: $0) }
        }
        if let verifiedChecksum, response.status == .ok, let name = HTTPField.Name(verifiedChecksum.algorithm.headerName),
            response.headers[name] == nil {
            response.headers[name] = verifiedChecksum.base64
        }
        if hidesMissingObject(response.status.code) { throw fail(.accessDenied()) }
        return (response, operation, auth)
    }

    /// The one `x-amz-checksum-<algorithm>` header of an upload, validated.
    static func checksumHeader(_ headers: HTTPFields) throws(S3Error) -> (algorithm: ChecksumAlgorithm, base64: String)? {
        var found: (ChecksumAlgorithm, String)?
        for field in headers {
            guard let algorithm = ChecksumAlgorithm(headerName: field.name.canonicalName) else { continue }
            guard found == nil else { throw .invalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.") }
            guard let bytes = Base64URL.decodeStandard(field.value), bytes.count == algorithm.digestByteCount else {
                throw .invalidRequest("Value for \(algorithm.headerName) header is invalid.")
            }
            found = (algorithm, field.value)
        }
        return found
    }
}
