import NIOCore

/// Keeps an upload's bytes from piling up inside AsyncHTTPClient.
///
/// AsyncHTTPClient's body writer hands each buffer to the connection's event loop and asks for
/// the next one at once; it stops asking only once the channel says it is no longer writable,
/// which the channel can say only after its loop ran the writes queued so far. On a busy machine
/// the loops run behind, and buffers read from our client wait in their queues instead of in
/// the client's socket: 64 concurrent 256 MiB uploads peaked at 180–790 MiB of RSS, and
/// heaptrack put 85 % of the heap's peak in read buffers.
///
/// Every `interval` bytes the pacer marks each loop of the HTTP client's group (a no-op task
/// queued behind the writes), and waits for the marks of the interval before. When a mark has
/// run, the writes queued ahead of it have been made and the writability AsyncHTTPClient
/// consults is current, so about two intervals plus the channel's write watermark are in flight
/// per upload. Waiting one interval behind keeps the pipeline full: a loop that keeps up costs
/// the upload no pause at all.
///
/// Since `LoopLocalHTTPClients` sends each upload from its client connection's loop, the
/// writes are no longer queued across threads and the pile-up above does not happen (the same
/// memory test without the pacer: 110 MiB). The pacer stays as the guard for what is still
/// sent across loops (a connection limit below the number of loops keeps one client for all);
/// on one loop it costs a no-op task per interval.
struct UpstreamWritePacer: Sendable {
    let group: any EventLoopGroup
    let interval: Int

    init(group: any EventLoopGroup, interval: Int = 256 * 1024) {
        self.group = group
        self.interval = interval
    }

    /// Marks every loop, and returns the marks to wait for one interval later.
    func mark() -> [EventLoopFuture<Void>] {
        group.makeIterator().map { $0.submit {} }
    }

    /// Returns once the marks have run.
    static func wait(for marks: [EventLoopFuture<Void>]) async {
        for mark in marks {
            try? await mark.get()
        }
    }
}
