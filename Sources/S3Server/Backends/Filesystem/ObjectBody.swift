import NIOCore
import NIOPosix

/// An object's bytes (or a range of them) as an `AsyncSequence` of ~64 KiB `ByteBuffer`s.
///
/// It reads from a descriptor opened when the object was looked up, so a concurrent PUT or
/// DELETE (which `rename`/`unlink` the path) cannot change the bytes of a response already
/// started: POSIX keeps the old inode alive while it is open. The descriptor is closed when the
/// last copy of the sequence (and its iterators) goes away — an unread body leaks nothing.
///
/// Each chunk is one `pread` on the thread pool, so the event loop never blocks on disk, and
/// only one chunk is in memory at a time (the HTTP writer's backpressure paces the reads).
struct ObjectBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Failure = any Error

    /// Bytes per read.
    static let chunkSize = 64 * 1024

    fileprivate let file: FSOpenFile
    /// First byte to send, inclusive.
    let startOffset: Int64
    /// One past the last byte to send.
    let endOffset: Int64
    fileprivate let threadPool: NIOThreadPool

    init(file: FSOpenFile, startOffset: Int64, endOffset: Int64, threadPool: NIOThreadPool) {
        self.file = file
        self.startOffset = startOffset
        self.endOffset = endOffset
        self.threadPool = threadPool
    }

    /// Number of bytes the sequence yields: the response `Content-Length`.
    var count: Int64 { endOffset - startOffset }

    /// Bytes `first...last` of this body (relative to its start), read from the same descriptor.
    func slice(first: Int64, last: Int64) -> ObjectBody {
        ObjectBody(file: file, startOffset: startOffset + first, endOffset: startOffset + last + 1, threadPool: threadPool)
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let file: FSOpenFile
        fileprivate var offset: Int64
        fileprivate let endOffset: Int64
        fileprivate let threadPool: NIOThreadPool

        mutating func next() async throws -> ByteBuffer? {
            guard offset < endOffset else { return nil }
            let length = Int(Swift.min(Int64(ObjectBody.chunkSize), endOffset - offset))
            let file = self.file
            let offset = self.offset
            let buffer = try await threadPool.runIfActive { () throws -> ByteBuffer in
                var buffer = ByteBufferAllocator().buffer(capacity: length)
                let read = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { raw in
                    try FSFileIO.pread(
                        file.fd,
                        into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<length]),
                        offset: offset,
                        path: file.path
                    )
                }
                guard read == length else {
                    // The file is open, so it cannot shrink unless someone edits the store by hand.
                    throw FSFileIOError(operation: "pread (short read)", path: file.path, errno: 0)
                }
                return buffer
            }
            self.offset += Int64(length)
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(file: file, offset: startOffset, endOffset: endOffset, threadPool: threadPool)
    }
}

/// Owns an open read-only descriptor and closes it on deinit.
final class FSOpenFile: Sendable {
    let fd: Int32
    let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit {
        FSFileIO.close(fd)
    }
}
