import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import Shared

/// ``HTTPDocumentFetcher`` against a tiny loopback HTTP server.
@Suite struct HTTPDocumentFetcherTests {
    /// Answers by path: `/ok` (JSON + Cache-Control), `/missing` (404), `/redirect` (302 to /ok),
    /// `/big` (2 MiB).
    private final class Responder: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .head(let head) = unwrapInboundIn(data) else { return }
            var headers = HTTPHeaders()
            let status: HTTPResponseStatus
            let body: [UInt8]
            switch head.uri {
            case "/ok":
                status = .ok
                body = Array(#"{"keys":[]}"#.utf8)
                headers.add(name: "Cache-Control", value: "public, max-age=300")
            case "/redirect":
                status = .found
                body = []
                headers.add(name: "Location", value: "/ok")
            case "/big":
                status = .ok
                body = [UInt8](repeating: UInt8(ascii: " "), count: 2 << 20)
            default:
                status = .notFound
                body = []
            }
            headers.add(name: "Content-Length", value: String(body.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    @Test func fetchesAndRefuses() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Responder())
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let base = "http://127.0.0.1:\(server.localAddress!.port!)"
        let client = HTTPDocumentFetcher.makeHTTPClient()
        let fetcher = HTTPDocumentFetcher(client: client)

        let ok = try await fetcher.fetch(url: base + "/ok")
        #expect(ok.body == Array(#"{"keys":[]}"#.utf8))
        #expect(ok.cacheControlMaxAge == 300)
        for path in ["/missing", "/redirect", "/big"] {
            await #expect(throws: OIDCFetchError.self, "\(path)") { _ = try await fetcher.fetch(url: base + path) }
        }
        // A caller-supplied client that follows redirects is caught by the history check.
        let following = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(redirectConfiguration: .follow(max: 3, allowCycles: false)))
        await #expect(throws: OIDCFetchError.self) {
            _ = try await HTTPDocumentFetcher(client: following).fetch(url: base + "/redirect")
        }
        try await following.shutdown()
        try await client.shutdown()
        try await server.close()
    }

    @Test func failsOnRefusedConnection() async throws {
        let client = HTTPDocumentFetcher.makeHTTPClient()
        let fetcher = HTTPDocumentFetcher(client: client, timeout: .seconds(1))
        await #expect(throws: (any Error).self) {
            _ = try await fetcher.fetch(url: "http://127.0.0.1:1/.well-known/openid-configuration")
        }
        try await client.shutdown()
    }
}
