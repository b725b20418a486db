public import AsyncHTTPClient
public import NIOCore
import NIOPosix

/// One AsyncHTTPClient per event loop, so that the upstream connection serving a request lives
/// on the same loop as the client's connection.
///
/// With a single client over the whole group, AsyncHTTPClient hands out any idle connection, and
/// an upload's bytes then cross threads twice per buffer: read on the client's loop, written on
/// the connection's, with a wake-up each way. Measured on 2 cores with 1 GiB PUTs: 16,000–40,000
/// context switches per GiB in S3Server, a few hundred with a client per loop. On one loop,
/// AsyncHTTPClient writes each buffer at once (it is already on the connection's loop) and sees
/// the channel's writability immediately, so backpressure reaches our client's socket without a
/// thread in between.
///
/// The configured connection limit is shared out: each loop's client gets `maxConnections /
/// loops`, so the backend never sees more than `maxConnections` from us. A limit below the
/// number of loops keeps one client over the whole group. S3Server's `s3` backends use it, and
/// so does the benchmark's bare proxy, so that the floor it measures places requests the same way.
public struct LoopLocalHTTPClients: Sendable {
    private let clients: [ObjectIdentifier: HTTPClient]
    private let all: [HTTPClient]
    /// The connection limit each client was given.
    public let connectionsPerClient: Int

    public init(group: any EventLoopGroup, configuration: HTTPClient.Configuration, maxConnections: Int) {
        let loops = Array(group.makeIterator())
        guard loops.count > 1, maxConnections >= loops.count else {
            var configuration = configuration
            connectionsPerClient = maxConnections
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = maxConnections
            let client = HTTPClient(eventLoopGroup: group, configuration: configuration)
            all = [client]
            clients = Dictionary(uniqueKeysWithValues: loops.map { (ObjectIdentifier($0), client) })
            return
        }
        var configuration = configuration
        connectionsPerClient = maxConnections / loops.count
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerClient
        var clients: [ObjectIdentifier: HTTPClient] = [:]
        for loop in loops {
            clients[ObjectIdentifier(loop)] = HTTPClient(eventLoopGroup: loop, configuration: configuration)
        }
        self.clients = clients
        self.all = loops.map { clients[ObjectIdentifier($0)]! }
    }

    /// The client whose connections run on `loop`; for a loop outside the group (or none), the
    /// client of the loop the caller runs on, else the first.
    public func client(on loop: (any EventLoop)?) -> HTTPClient {
        if let loop, let client = clients[ObjectIdentifier(loop)] { return client }
        if let current = MultiThreadedEventLoopGroup.currentEventLoop, let client = clients[ObjectIdentifier(current)] { return client }
        return all[0]
    }

    /// How many clients (and connection pools) there are.
    public var count: Int { all.count }

    public func shutdown() async {
        for client in all { try? await client.shutdown() }
    }
}
