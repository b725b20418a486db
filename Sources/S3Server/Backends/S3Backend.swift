import HTTPTypes
import Hummingbird
import NIOCore

/// Where an authorised request is carried out. The responder has authenticated, classified and
/// authorised the request before a backend sees it; a backend only stores and serves.
protocol S3Backend: Sendable {
    var name: String { get }

    /// Performs `request`, consuming `body` when the operation has one, and returns the answer.
    /// S3-level failures are thrown as `S3Error`.
    func handle(_ request: BackendRequest, body: BackendRequestBody) async throws -> BackendResponse

    /// DeleteObjects for keys that were each authorised already; one entry per key. A failure
    /// of the whole request (no such bucket, backend down) is thrown.
    func deleteObjects(
        bucket: String, objects: [DeleteObjectsRequest.Object], request: BackendRequest
    ) async throws -> [DeleteObjectsResult.Entry]

    /// The buckets this backend holds, for ListBuckets.
    func listBuckets() async throws -> [BucketSummary]
}

/// A request handed to a backend: the classified operation and the client's request pieces.
struct BackendRequest: Sendable {
    let operation: S3Operation
    let method: HTTPRequest.Method
    let target: RequestTarget
    let headers: HTTPFields
    /// Decoded body length (what the backend receives), when known.
    let contentLength: Int64?
    /// The hex SHA-256 the client signed for the body, when it signed one; a proxy re-signs with
    /// it so that the backend checks the body too.
    let payloadSHA256: String?
    let requestID: String
    /// The event loop of the client's connection: a proxy sends upstream from the same loop
    /// (see `LoopLocalHTTPClients`). Nil outside a server (tests).
    var clientLoop: (any EventLoop)? = nil
}

/// A bucket in ListBuckets.
struct BucketSummary: Sendable {
    let name: String
    let creationDate: Int64
}

/// The request body a backend may consume: verified while it streams.
typealias BackendRequestBody = VerifiedRequestBody<ClientRequestBody>

/// A backend's answer, streamed to the client by the responder.
struct BackendResponse: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ResponseBody

    init(status: HTTPResponse.Status, headers: HTTPFields = [:], body: ResponseBody = ResponseBody()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// An XML document answer.
    static func xml(_ text: String, status: HTTPResponse.Status = .ok) -> BackendResponse {
        var buffer = ByteBuffer()
        buffer.writeString(text)
        var headers = HTTPFields()
        headers[.contentType] = "application/xml"
        headers[.contentLength] = String(buffer.readableBytes)
        return BackendResponse(status: status, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }
}
