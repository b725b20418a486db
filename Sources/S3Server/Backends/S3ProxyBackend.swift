import AsyncHTTPClient
import Crypto
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Shared

/// Forwards requests to an S3-compatible endpoint, re-signed with the backend's own credentials.
///
/// Bodies stream both ways with backpressure. The upstream request is signed with
/// `UNSIGNED-PAYLOAD` (its hash is unknown until the end); integrity comes from the client-side
/// check in `VerifiedRequestBody`, which withholds the final bytes until the client's signed
/// hash matched, so the backend never receives a complete `Content-Length` body that failed.
struct S3ProxyBackend: S3Backend {
    let name: String
    let endpoint: String
    let hostHeader: String
    let region: String
    let addressing: BackendSettings.Addressing
    let credentials: any BackendCredentialsProvider
    let clients: LoopLocalHTTPClients
    let readTimeoutSeconds: Int
    let retryPolicy: UpstreamRetryPolicy
    /// The derived keys of our backend credentials, so each request costs one HMAC, not five.
    let signingKeys = SigningKeyCache(capacity: 16)
    let logger: Logger

    /// Client headers forwarded to the backend: the S3 request headers of the operations we
    /// classify, and nothing else. Anything else could switch on a backend feature (MinIO's
    /// `X-Minio-Force-Delete`, snowball auto-extract) that no policy was asked about.
    static let forwardedRequestHeaders: Set<String> = [
        "content-type", "content-md5", "content-encoding", "content-disposition", "content-language", "cache-control",
        "expires", "range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since",
        "x-amz-acl", "x-amz-storage-class", "x-amz-tagging", "x-amz-metadata-directive", "x-amz-tagging-directive",
        "x-amz-website-redirect-location", "x-amz-request-payer", "x-amz-expected-bucket-owner",
        "x-amz-source-expected-bucket-owner", "x-amz-bypass-governance-retention", "x-amz-object-ownership",
        "x-amz-bucket-object-lock-enabled", "x-amz-checksum-algorithm",
        "x-amz-checksum-mode", "x-amz-copy-source-range", "x-amz-copy-source-if-match", "x-amz-copy-source-if-none-match",
        "x-amz-copy-source-if-modified-since", "x-amz-copy-source-if-unmodified-since",
        // Sub-resource operations: GetObjectAttributes' selectors, PutBucketVersioning's MFA,
        // PutObjectLockConfiguration's token, PutBucketPolicy's and PutBucketNotification's switches.
        "x-amz-object-attributes", "x-amz-max-parts", "x-amz-part-number-marker", "x-amz-mfa",
        "x-amz-bucket-object-lock-token", "x-amz-confirm-remove-self-bucket-access", "x-amz-skip-destination-validation",
    ]
    static let forwardedRequestHeaderPrefixes = [
        "x-amz-meta-", "x-amz-grant-", "x-amz-server-side-encryption", "x-amz-checksum-", "x-amz-object-lock-",
        "x-amz-copy-source-server-side-encryption",
    ]
    static let droppedResponseHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade",
        "x-amz-request-id", "x-amz-id-2", "server",
    ]
    /// Query parameters forwarded to the backend: those of the operations we classify, including
    /// every sub-resource of the classifier's table (a request with any other sub-resource never
    /// gets here). The client's authentication parameters and unknown ones (rclone's `x-id`) stay here.
    static let forwardedParameters: Set<String> = Set([
        "prefix", "delimiter", "max-keys", "marker", "encoding-type", "list-type", "continuation-token", "start-after",
        "fetch-owner", "versionId", "partNumber", "uploadId", "uploads", "max-parts", "part-number-marker", "max-uploads",
        "key-marker", "upload-id-marker", "version-id-marker", "location", "response-cache-control", "response-content-disposition",
        "response-content-encoding", "response-content-language", "response-content-type", "response-expires",
    ]).union(S3RequestClassifier.classifiedSubresources)

    static func forwards(header name: String) -> Bool {
        forwardedRequestHeaders.contains(name)
            || (forwardedRequestHeaderPrefixes.contains { name.hasPrefix($0) } && !name.hasPrefix("x-amz-meta-snowball"))
    }

    init(settings: BackendSettings, credentials: any BackendCredentialsProvider, tls: TLSConfiguration? = nil, logger: Logger) throws {
        self.name = settings.name
        var endpoint = settings.endpoint ?? ""
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.endpoint = endpoint
        let afterScheme = endpoint.split(separator: "://", maxSplits: 1).last.map(String.init) ?? endpoint
        self.hostHeader = afterScheme.split(separator: "/", maxSplits: 1).first.map(String.init) ?? afterScheme
        self.region = settings.region
        self.addressing = settings.addressing
        self.credentials = credentials
        self.logger = logger
        self.readTimeoutSeconds = settings.readTimeoutSeconds
        self.retryPolicy = UpstreamRetryPolicy(maxRetries: settings.retries)
        var configuration = HTTPClient.Configuration()
        // A redirect is the client's to follow (S3's 301 PermanentRedirect names another region).
        configuration.redirectConfiguration = .disallow
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        // No distributed tracing here; with the default no-op tracer AsyncHTTPClient still built
        // each request's span attributes (2 % of a proxied 1 KiB GET).
        configuration.tracing.tracer = nil
        if let tls { configuration.tlsConfiguration = tls }
        // The read timeout runs from the end of the request to the end of the answer, reset by
        // every byte received: a backend that stops answering cannot hold a client forever.
        // (AsyncHTTPClient's write timeout would time our own client's pauses, not the backend.)
        configuration.timeout = .init(
            connect: .seconds(Int64(settings.connectTimeoutSeconds)), read: .seconds(Int64(settings.readTimeoutSeconds)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        // A failed connect fails the request at once (instead of the client re-dialling until
        // the connect timeout) so that `retryPolicy` alone decides, with its own bounded backoff.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.clients = LoopLocalHTTPClients(
            group: HTTPClient.defaultEventLoopGroup, configuration: configuration, maxConnections: settings.maxConnections)
    }

    func shutdown() async {
        await credentials.shutdown()
        await clients.shutdown()
    }

    func handle(_ request: BackendRequest, body: BackendRequestBody) async throws -> BackendResponse {
        let operation = request.operation
        let client = clients.client(on: request.clientLoop)
        let (host, path) = upstreamLocation(bucket: operation.bucket, key: operation.key)
        if operation.name == .deleteBucket, let bucket = operation.bucket, try await !isEmpty(bucket: bucket) {
            // Some backends (SeaweedFS) delete a non-empty bucket with everything in it, which
            // would bypass any Deny on s3:DeleteObject; S3 refuses.
            throw S3Error("BucketNotEmpty", "The bucket you tried to delete is not empty", status: 409, details: [("BucketName", bucket)])
        }
        let query = request.target.query
            .filter { Self.forwardedParameters.contains($0.name) }
            .map { (name: $0.name, value: $0.value ?? "") }
        var headers: [(name: String, value: String)] = [("host", host)]
        for field in request.headers where Self.forwards(header: field.name.canonicalName) {
            var value = field.value
            if field.name == .contentEncoding {
                // The aws-chunked framing was decoded here; the backend gets the plain payload.
                value = value.split(separator: ",").map { $0.trimmingASCIIWhitespace() }.filter { $0 != "aws-chunked" }.joined(separator: ",")
                if value.isEmpty { continue }
            }
            headers.append((field.name.canonicalName, value))
        }
        if let source = operation.copySource {
            // Forward the source exactly as it was authorised, in canonical encoding.
            var value = "/" + SigV4PercentEncoding.uriEncode(source.bucket, encodeSlash: true) + "/"
                + SigV4PercentEncoding.uriEncode(source.key, encodeSlash: false)
            if let version = source.versionID { value += "?versionId=" + SigV4PercentEncoding.uriEncode(version, encodeSlash: true) }
            headers.append(("x-amz-copy-source", value))
        }
        let hasBody = operation.hasRequestBody && (request.contentLength ?? 0) > 0
        if operation.hasRequestBody { headers.append(("content-length", String(request.contentLength ?? 0))) }
        // The client's signed digest lets the backend verify the body as well; without one the
        // body travels UNSIGNED-PAYLOAD and only our own length check applies.
        let payloadHash = hasBody ? (request.payloadSHA256 ?? "UNSIGNED-PAYLOAD") : SigV4SigningKey.emptyPayloadSHA256

        var upstream = UpstreamRequest(
            method: request.method.rawValue, path: path, query: query, headers: headers, payloadHash: payloadHash)
        if operation.hasRequestBody {
            // Pull the first verified buffer before contacting the backend: a body that fails
            // verification within its first buffer (every small body) never reaches it, and a
            // backend never sees a request whose body ends before it began (SeaweedFS stores
            // such a request as an empty object).
            var iterator = body.makeAsyncIterator()
            let first = try await iterator.next()
            let box = PrefetchedBody.IteratorBox(iterator)
            upstream.body = .stream(
                PrefetchedBody(first: first, rest: box, pacer: UpstreamWritePacer(group: client.eventLoopGroup)),
                length: .known(request.contentLength ?? 0))
            upstream.clientBody = box
        }

        // The whole-request deadline is generous; stalled peers are caught by the read timeout.
        let response = try await send(upstream, via: client, timeout: .hours(24))
        var responseHeaders = HTTPFields()
        for header in response.headers where !Self.droppedResponseHeaders.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { responseHeaders.append(HTTPField(name: name, value: header.value)) }
        }
        let status = HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase)
        if request.method == .head {
            return BackendResponse(status: status, headers: responseHeaders)
        }
        return BackendResponse(
            status: status, headers: responseHeaders,
            body: ResponseBody(asyncSequence: UpstreamResponseBody(base: response.body, backend: name, logger: logger)))
    }

    func listBuckets() async throws -> [BucketSummary] {
        let body = try await get(host: hostHeader, path: "/", query: [])
        return BucketListParser.parse(body)
    }

    /// Whether a bucket holds no object (a one-key listing).
    func isEmpty(bucket: String) async throws -> Bool {
        let (host, path) = upstreamLocation(bucket: bucket, key: nil)
        let body = try await get(host: host, path: path, query: [("list-type", "2"), ("max-keys", "1")])
        return !String(decoding: body, as: UTF8.self).contains("<Contents>")
    }

    func deleteObjects(
        bucket: String, objects: [DeleteObjectsRequest.Object], request: BackendRequest
    ) async throws -> [DeleteObjectsResult.Entry] {
        // Our own request with only the keys the policy allowed; never quiet, so every key's
        // outcome comes back. The body is ours, so it is signed and MD5'd for real.
        let body = Array(DeleteObjectsRequest(objects: objects).xml().utf8)
        var headers: [(name: String, value: String)] = [
            ("content-md5", Base64.encode(Array(Insecure.MD5.hash(data: body)))), ("content-type", "application/xml"),
        ]
        // The request's own switches (authorised per key where they need a permission).
        for name in ["x-amz-expected-bucket-owner", "x-amz-bypass-governance-retention", "x-amz-mfa", "x-amz-request-payer"] {
            if let value = request.headers[HTTPField.Name(name)!] { headers.append((name, value)) }
        }
        let (host, path) = upstreamLocation(bucket: bucket, key: nil)
        let (status, answer) = try await call(
            method: "POST", host: host, path: path, query: [("delete", "")],
            headers: headers, body: body, loop: request.clientLoop)
        guard status == 200 else { throw Self.forwardedError(status: status, body: answer, logger: logger) }
        guard let result = DeleteObjectsResult(parsing: answer) else {
            logger.warning("backend DeleteResult unreadable", metadata: ["backend": .string(name)])
            throw S3Error.internalError
        }
        return result.entries
    }

    /// A small signed GET of our own (not on a client's behalf), answered 200 or failing.
    private func get(host: String, path: String, query: [(name: String, value: String)]) async throws -> [UInt8] {
        let (status, body) = try await call(method: "GET", host: host, path: path, query: query, headers: [], body: [])
        guard status == 200 else {
            logger.warning("backend request failed", metadata: ["backend": .string(name), "path": .string(path), "status": "\(status)"])
            throw S3Error.serviceUnavailable
        }
        return body
    }

    /// A small signed request of our own, its answer collected (bounded).
    private func call(
        method: String, host: String, path: String, query: [(name: String, value: String)], headers extra: [(name: String, value: String)],
        body: [UInt8], loop: (any EventLoop)? = nil
    ) async throws -> (status: Int, body: [UInt8]) {
        var headers: [(name: String, value: String)] = [("host", host)] + extra
        if !body.isEmpty { headers.append(("content-length", String(body.count))) }
        // The body is ours and in memory: nothing of a client's is at stake in a retry.
        let upstream = UpstreamRequest(
            method: method, path: path, query: query, headers: headers, payloadHash: Hex.encode(SHA256.hash(data: body)),
            body: body.isEmpty ? nil : .bytes(ByteBuffer(bytes: body)))
        let response = try await send(upstream, via: clients.client(on: loop), timeout: .seconds(Int64(readTimeoutSeconds)))
        let collected: ByteBuffer
        do {
            collected = try await response.body.collect(upTo: 16 * 1024 * 1024)
        } catch {
            let failure = UpstreamFailure(error)
            Self.recordFailure(backend: name, failure, phase: "during_answer")
            throw failure.s3Error
        }
        return (Int(response.status.code), Array(collected.readableBytesView))
    }

    /// A backend's error answer to one of our own requests, passed on as the client would have
    /// seen it had we forwarded the request (5xx without an S3 code become ServiceUnavailable).
    static func forwardedError(status: Int, body: [UInt8], logger: Logger) -> S3Error {
        let text = String(decoding: body, as: UTF8.self)
        func element(_ name: String) -> String? {
            guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else {
                return nil
            }
            return String(text[open.upperBound..<close.lowerBound])
        }
        guard (400..<600).contains(status), let code = element("Code") else {
            logger.warning("backend failure", metadata: ["status": "\(status)"])
            return .serviceUnavailable
        }
        return S3Error(code, element("Message") ?? "", status: status)
    }

    /// The Host and path addressing a bucket or object upstream. Virtual-hosted requests still
    /// connect to the endpoint's address (one connection pool, the endpoint's certificate,
    /// which covers `*.host` at virtual-hosted services) and name the bucket in the Host header.
    func upstreamLocation(bucket: String?, key: String?) -> (host: String, path: String) {
        guard let bucket else { return (hostHeader, "/") }
        let encodedKey = key.map { SigV4PercentEncoding.uriEncode($0, encodeSlash: false) }
        switch addressing {
        case .path:
            return (hostHeader, "/" + SigV4PercentEncoding.uriEncode(bucket, encodeSlash: true) + (encodedKey.map { "/" + $0 } ?? ""))
        case .virtual:
            return (bucket + "." + hostHeader, "/" + (encodedKey ?? ""))
        }
    }

    /// The wire query: the same encoding and order as the canonical query we sign.
    static func queryString(_ pairs: [(name: String, value: String)]) -> String {
        if pairs.isEmpty { return "" }
        return "?" + CanonicalRequest.canonicalQuery(pairs: pairs)
    }
}
