import NIOCore
import NIOPosix

/// Swift concurrency's global executor on NIO's event loops.
///
/// Both servers are Hummingbird on `MultiThreadedEventLoopGroup.singleton`, and the upstream
/// client uses the same group. With the default executor every request hops between the event
/// loop threads (sockets) and Swift's cooperative pool (our handlers) several times — for a
/// 1 KiB S3 GET that was most of the cost, in thread wake-ups rather than work. Running tasks
/// on the event loops themselves removes the hops: a proxied 1 KiB GET went from ≈ 4100 to
/// ≈ 5900 requests/s on 2 cores, alternating the two in one window (see the README's
/// performance notes).
///
/// The price: a task that blocks, or computes for long, now holds up an event loop's sockets.
/// Blocking file I/O in the filesystem backend already runs on `NIOThreadPool`; what remains
/// are the brief reads of small files (policy reloads, a web-identity token file). S3Server's
/// 1 KiB GET p99 stayed where it was; STSServer, whose every request is a quarter of a
/// millisecond of RSA and JSON, saw its p99 go from 25 ms to seconds, so it does not use this.
public enum EventLoopExecutor {
    /// Installs the event loops as the global executor. Call it first thing in `main`, on the
    /// main thread, before any task runs (NIO's requirement); later calls do nothing.
    ///
    /// - Returns: whether the event loops now run Swift concurrency's jobs.
    @discardableResult
    public static func install() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
