import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import Shared

/// `AssumeRoleWithWebIdentity` over HTTP(S) with AsyncHTTPClient: a form POST (the token never
/// appears in a URL, so never in an access log), the answer read up to 64 KiB.
struct STSWebIdentityClient: WebIdentityTokenExchanger {
    let endpoint: String
    let roleArn: String
    let sessionName: String
    let durationSeconds: Int
    let client: HTTPClient

    init(settings: WebIdentitySettings) {
        endpoint = settings.stsEndpoint
        roleArn = settings.roleArn
        sessionName = settings.sessionName
        durationSeconds = settings.durationSeconds
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(30))
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// The form body of the request.
    static func form(roleArn: String, sessionName: String, durationSeconds: Int, token: String) -> String {
        let pairs = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleArn),
            ("RoleSessionName", sessionName), ("DurationSeconds", String(durationSeconds)), ("WebIdentityToken", token),
        ]
        return pairs.map { "\($0.0)=\(SigV4PercentEncoding.uriEncode($0.1, encodeSlash: true))" }.joined(separator: "&")
    }

    func exchange(token: String) async throws(WebIdentityError) -> BackendCredentials {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded; charset=utf-8")
        request.headers.add(name: "accept", value: "application/xml")
        let body = Self.form(roleArn: roleArn, sessionName: sessionName, durationSeconds: durationSeconds, token: token)
        request.body = .bytes(ByteBuffer(string: body))
        var status = 0
        let bytes: [UInt8]
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            status = Int(response.status.code)
            // One byte more than allowed tells a too-large answer from a maximal one.
            let collected = try await response.body.collect(upTo: STSCredentialsResponse.maximumSize + 1)
            bytes = Array(collected.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw .unreadableAnswer(status: status)
        } catch {
            throw .unreachable(String(describing: type(of: error)) + ": \(error)")
        }
        switch STSCredentialsResponse.parse(bytes) {
        case .credentials(let credentials)? where status == 200:
            return credentials
        case .error(let code, let message)? where status != 200:
            throw .refused(status: status, code: code, message: message)
        default:
            throw .unreadableAnswer(status: status)
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}
