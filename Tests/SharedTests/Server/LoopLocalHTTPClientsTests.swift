import AsyncHTTPClient
import NIOCore
import NIOPosix
import Testing

@testable import Shared

@Suite struct LoopLocalHTTPClientsTests {
    /// Runs `body` with the clients over a two-loop group, and shuts both down after.
    private func withClients(
        maxConnections: Int, _ body: (LoopLocalHTTPClients, [any EventLoop]) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let clients = LoopLocalHTTPClients(group: group, configuration: .init(), maxConnections: maxConnections)
        do {
            try await body(clients, Array(group.makeIterator()))
        } catch {
            await clients.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        await clients.shutdown()
        try await group.shutdownGracefully()
    }

    @Test func eachLoopHasItsOwnClientOnThatLoop() async throws {
        try await withClients(maxConnections: 64) { clients, loops in
            #expect(clients.count == 2)
            for loop in loops {
                let client = clients.client(on: loop)
                // A client over one loop: every connection it opens lives there.
                #expect(client.eventLoopGroup.next() === loop)
                #expect(client.eventLoopGroup.next() === loop)
            }
            #expect(clients.client(on: loops[0]) !== clients.client(on: loops[1]))
        }
    }

    /// The backend never gets more than `maxConnections` from us: the limit is divided, rounding down.
    @Test(arguments: [(64, 32), (65, 32), (3, 1), (2, 1)])
    func connectionLimitIsSharedOut(maxConnections: Int, perClient: Int) async throws {
        try await withClients(maxConnections: maxConnections) { clients, _ in
            #expect(clients.count == 2)
            #expect(clients.connectionsPerClient == perClient)
        }
    }

    @Test func limitBelowTheLoopCountKeepsOneClientForAll() async throws {
        try await withClients(maxConnections: 1) { clients, loops in
            #expect(clients.count == 1)
            #expect(clients.connectionsPerClient == 1)
            #expect(clients.client(on: loops[0]) === clients.client(on: loops[1]))
        }
    }

    @Test func withoutALoopTheCallersLoopDecides() async throws {
        try await withClients(maxConnections: 64) { clients, loops in
            let expected = ObjectIdentifier(clients.client(on: loops[1]))
            let chosen = try await loops[1].submit { ObjectIdentifier(clients.client(on: nil)) }.get()
            #expect(chosen == expected)
            // Off every loop (the test's own thread, or a loop of another group): the first client.
            let other = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            #expect(clients.client(on: other.next()) === clients.client(on: loops[0]))
            try await other.shutdownGracefully()
        }
    }
}
