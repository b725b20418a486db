import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
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
    let credentials: (accessKeyID: String, secretAccessKey: String)?
    let client: HTTPClient
    let logger: Logger

    /// Client headers that must not reach the backend: hop-by-hop headers, and the client's own
    /// authentication, which is replaced by ours.
    static let droppedRequestHeaders: Set<String> = [
        "host", "authorization", "connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade", "expect", "content-length", "x-amz-date", "x-amz-content-sha256",
        "x-amz-security-token", "x-amz-decoded-content-length",
    ]
    static let droppedResponseHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade",
        "x-amz-request-id", "x-amz-id-2", "server",
    ]
    /// Query parameters that authenticate the client's request; never forwarded.
    static let authenticationParameters: Set<String> = [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature",
        "X-Amz-Security-Token", "AWSAccessKeyId", "Signature", "Expires", "x-amz-security-token",
    ]

    init(settings: BackendSettings, credentials: (String, String)?, logger: Logger) throws {
        self.name = settings.name
        var endpoint = settings.endpoint ?? ""
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.endpoint = endpoint
        let afterScheme = endpoint.split(separator: "://", maxSplits: 1).last.map(String.init) ?? endpoint
        self.hostHeader = afterScheme.split(separator: "/", maxSplits: 1).first.map(String.init) ?? afterScheme
        self.region = settings.region
        self.credentials = credentials
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        configuration.timeout = .init(
            connect: .seconds(Int64(settings.connectTimeoutSeconds)), read: .seconds(Int64(settings.readTimeoutSeconds)))
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: settings.maxConnections)
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    func handle(_ request: BackendRequest, body: BackendRequestBody) async throws -> BackendResponse {
        let operation = request.operation
        var path = "/"
        if let bucket = operation.bucket {
            path += SigV4PercentEncoding.uriEncode(bucket, encodeSlash: true)
            if let key = operation.key { path += "/" + SigV4PercentEncoding.uriEncode(key, encodeSlash: false) }
        }
        let query = request.target.query
            .filter { !Self.authenticationParameters.contains($0.name) }
            .map { (name: $0.name, value: $0.value ?? "") }
        var headers: [(name: String, value: String)] = [("host", hostHeader)]
        for field in request.headers where !Self.droppedRequestHeaders.contains(field.name.canonicalName) {
            headers.append((field.name.canonicalName, field.value))
        }
        let hasBody = operation.hasRequestBody && (request.contentLength ?? 0) > 0
        if operation.hasRequestBody { headers.append(("content-length", String(request.contentLength ?? 0))) }
        // The client's signed digest lets the backend verify the body as well; without one the
        // body travels UNSIGNED-PAYLOAD and only our own length check applies.
        let payloadHash = hasBody ? (request.payloadSHA256 ?? "UNSIGNED-PAYLOAD") : SigV4SigningKey.emptyPayloadSHA256

        var outgoing = HTTPClientRequest(url: endpoint + path + Self.queryString(query))
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        if let credentials {
            let signer = SigV4Signer(accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey, region: region)
            let signed = signer.sign(
                method: request.method.rawValue, path: path, query: query, headers: headers, payloadHash: payloadHash,
                date: AmzDate(epochSeconds: ISO8601.now()))
            headers += signed.headersToAdd
        }
        for (name, value) in headers where name != "host" { outgoing.headers.add(name: name, value: value) }
        if operation.hasRequestBody {
            // Pull the first verified buffer before contacting the backend: a body that fails
            // verification within its first buffer (every small body) never reaches it, and a
            // backend never sees a request whose body ends before it began (SeaweedFS stores
            // such a request as an empty object).
            var iterator = body.makeAsyncIterator()
            let first = try await iterator.next()
            outgoing.body = .stream(
                PrefetchedBody(first: first, rest: PrefetchedBody.IteratorBox(iterator)), length: .known(request.contentLength ?? 0))
        }

        // The whole-request deadline is generous; stalled peers are caught by the read timeout.
        let response = try await client.execute(outgoing, deadline: .now() + .hours(24), logger: logger)
        var responseHeaders = HTTPFields()
        for header in response.headers where !Self.droppedResponseHeaders.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { responseHeaders.append(HTTPField(name: name, value: header.value)) }
        }
        let status = HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase)
        if request.method == .head {
            return BackendResponse(status: status, headers: responseHeaders)
        }
        return BackendResponse(status: status, headers: responseHeaders, body: ResponseBody(asyncSequence: response.body))
    }

    func listBuckets() async throws -> [BucketSummary] {
        var headers: [(name: String, value: String)] = [("host", hostHeader)]
        var outgoing = HTTPClientRequest(url: endpoint + "/")
        if let credentials {
            let signer = SigV4Signer(accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey, region: region)
            headers += signer.sign(
                method: "GET", path: "/", headers: headers, payloadHash: SigV4SigningKey.emptyPayloadSHA256,
                date: AmzDate(epochSeconds: ISO8601.now())).headersToAdd
        }
        for (name, value) in headers where name != "host" { outgoing.headers.add(name: name, value: value) }
        let response = try await client.execute(outgoing, timeout: .seconds(30), logger: logger)
        let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        guard response.status == .ok else {
            logger.warning("backend ListBuckets failed", metadata: ["backend": .string(name), "status": "\(response.status.code)"])
            throw S3Error.serviceUnavailable
        }
        return BucketListParser.parse(Array(body.readableBytesView))
    }

    /// The wire query: the same encoding and order as the canonical query we sign.
    static func queryString(_ pairs: [(name: String, value: String)]) -> String {
        if pairs.isEmpty { return "" }
        return "?" + CanonicalRequest.canonicalQuery(pairs: pairs)
    }
}
