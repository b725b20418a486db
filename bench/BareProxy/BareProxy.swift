import ArgumentParser
import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOPosix
import Shared

/// The stack floor for `bench/compare.py`: Hummingbird's low-level responder in front of
/// AsyncHTTPClient, configured as S3Server's `s3` backend client is, forwarding each request
/// as it comes — no authentication, policy, signing, logging or metrics.
///
/// Whatever this reaches is what S3Server could reach on the same libraries if its own work
/// cost nothing; the gap between the two is ours, the gap to nginx is the stack's.
/// `--static` answers every GET with 1 KiB from memory: Hummingbird alone, no upstream hop.
/// Like S3Server, and with the same code (`EventLoopExecutor`, `LoopLocalHTTPClients`), it runs
/// Swift concurrency on NIO's event loops and sends each request upstream from its client
/// connection's loop.
@main
struct BareProxy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "PortcullisBareProxy", abstract: "Hummingbird + AsyncHTTPClient pass-through proxy (benchmark baseline).")

    @Option(help: "Port to listen on (127.0.0.1).")
    var port: Int

    @Option(help: "Upstream base URL, e.g. http://127.0.0.1:8080.")
    var upstream: String = "http://127.0.0.1:1"

    @Option(help: "Upstream connections per host (S3Server's default for a backend).")
    var maxConnections = 64

    /// As S3Server does: Swift concurrency on the event loops.
    static func main() async {
        EventLoopExecutor.install()
        await main(nil)
    }

    @Flag(help: "Answer GETs with 1 KiB from memory instead of forwarding.")
    var `static` = false

    func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        configuration.tracing.tracer = nil
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        let clients = LoopLocalHTTPClients(
            group: HTTPClient.defaultEventLoopGroup, configuration: configuration, maxConnections: maxConnections)
        let responder = Responder(clients: clients, upstream: upstream, isStatic: `static`)
        let server = Application(responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        do {
            try await server.runService()
        } catch {
            await clients.shutdown()
            throw error
        }
        await clients.shutdown()
    }
}

struct Responder: HTTPResponder {
    typealias Context = BasicRequestContext
    let clients: LoopLocalHTTPClients
    let upstream: String
    let isStatic: Bool
    static let kibibyte = ByteBuffer(repeating: UInt8(ascii: "a"), count: 1024)
    static let hopByHop: Set<String> = ["connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"]

    func respond(to request: Request, context: Context) async throws -> Response {
        if isStatic {
            for try await _ in request.body {}
            return Response(status: .ok, body: .init(byteBuffer: Self.kibibyte))
        }
        var outgoing = HTTPClientRequest(url: upstream + (request.head.path ?? "/"))
        outgoing.method = .init(rawValue: request.method.rawValue)
        for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName) {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }) {
            outgoing.body = .stream(request.body, length: .known(length))
        }
        // The handler runs on its connection's loop (the event loops are the executor).
        let client = clients.client(on: nil)
        let answer = try await client.execute(outgoing, deadline: .now() + .hours(1))
        var headers = HTTPFields()
        for header in answer.headers where !Self.hopByHop.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: .init(asyncSequence: answer.body))
    }
}
