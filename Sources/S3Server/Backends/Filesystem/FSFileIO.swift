import Shared
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// A failed system call in the filesystem backend.
///
/// Kept apart from ``S3StoreError`` on purpose: these are server faults (disk full, permissions,
/// a corrupt store), which the HTTP layer answers with `500 InternalError`, never with a
/// client-facing S3 code.
struct FSFileIOError: Error, Sendable, CustomStringConvertible {
    var operation: String
    var path: String
    var errno: Int32

    var description: String {
        "\(operation)(\(path)) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// Thin, blocking POSIX helpers used by ``FilesystemStore``.
///
/// Everything here blocks the calling thread, so it must only run inside
/// `NIOThreadPool.runIfActive`. Plain POSIX (rather than `FileManager`) gives us the exact
/// primitives atomic publication needs: `O_EXCL` temp files, `fsync`, `rename(2)` and `pread`.
enum FSFileIO {
    static func fail(_ operation: String, _ path: String) -> FSFileIOError {
        FSFileIOError(operation: operation, path: path, errno: errno)
    }

    /// Opens a file, retrying on `EINTR`.
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws -> Int32 {
        while true {
            let fd = path.withCString { sysOpen($0, flags | O_CLOEXEC, mode) }
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw fail("open", path)
        }
    }

    /// Opens an existing file for reading; `nil` when it does not exist.
    static func openForReadingIfExists(_ path: String) throws -> Int32? {
        do {
            return try open(path, flags: O_RDONLY)
        } catch let error as FSFileIOError where error.errno == ENOENT || error.errno == ENOTDIR {
            return nil
        }
    }

    static func close(_ fd: Int32) {
        _ = sysClose(fd)
    }

    /// Writes all readable bytes of `buffer` at the current file offset.
    static func writeAll(_ fd: Int32, _ buffer: ByteBuffer, path: String) throws {
        try buffer.withUnsafeReadableBytes { raw in
            try writeAll(fd, raw, path: path)
        }
    }

    static func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < raw.count {
            let n = sysWrite(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write", path)
            }
            offset += n
        }
    }

    /// Reads up to `count` bytes at `offset`; returns fewer only at end of file.
    static func pread(_ fd: Int32, into raw: UnsafeMutableRawBufferPointer, offset: Int64, path: String) throws -> Int {
        var done = 0
        while done < raw.count {
            let n = sysPread(fd, raw.baseAddress! + done, raw.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("pread", path)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads `count` bytes at `offset` into a new array; short only at end of file.
    static func pread(_ fd: Int32, count: Int, offset: Int64, path: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let n = try bytes.withUnsafeMutableBytes { try pread(fd, into: $0, offset: offset, path: path) }
        bytes.removeLast(count - n)
        return bytes
    }

    static func fileSize(_ fd: Int32, path: String) throws -> Int64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw fail("fstat", path) }
        return Int64(st.st_size)
    }

    static func fsync(_ fd: Int32, path: String) throws {
        guard sysFsync(fd) == 0 else { throw fail("fsync", path) }
    }

    /// Flushes a directory entry change (a rename) to disk.
    static func fsyncDirectory(_ path: String) throws {
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    static func rename(_ from: String, _ to: String) throws {
        let rc = from.withCString { f in to.withCString { t in sysRename(f, t) } }
        guard rc == 0 else { throw fail("rename", from + " -> " + to) }
    }

    /// Removes a file; a missing file is not an error.
    static func unlinkIfExists(_ path: String) throws {
        guard path.withCString({ sysUnlink($0) }) == 0 else {
            if errno == ENOENT { return }
            throw fail("unlink", path)
        }
    }

    /// Creates a directory; an existing one is fine.
    static func makeDirectory(_ path: String) throws {
        guard path.withCString({ mkdir($0, 0o755) }) == 0 else {
            if errno == EEXIST { return }
            throw fail("mkdir", path)
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        guard path.withCString({ stat($0, &st) }) == 0 else { return false }
        return (st.st_mode & mode_t(S_IFMT)) == mode_t(S_IFDIR)
    }

    /// Names in a directory (without `.` and `..`); empty when the directory does not exist.
    static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = path.withCString({ opendir($0) }) else {
            if errno == ENOENT || errno == ENOTDIR { return [] }
            throw fail("opendir", path)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return names
    }

    /// Removes a directory tree. Used only on paths the store built itself.
    static func removeTree(_ path: String) throws {
        var st = stat()
        guard path.withCString({ lstat($0, &st) }) == 0 else {
            if errno == ENOENT { return }
            throw fail("lstat", path)
        }
        if (st.st_mode & mode_t(S_IFMT)) == mode_t(S_IFDIR) {
            for name in try listDirectory(path) {
                try removeTree(path + "/" + name)
            }
            guard path.withCString({ rmdir($0) }) == 0 || errno == ENOENT else { throw fail("rmdir", path) }
        } else {
            try unlinkIfExists(path)
        }
    }

    /// 128 random bits as lowercase hex: temp-file names and upload ids.
    static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Hex.encode(bytes)
    }
}

// The system calls under names that do not clash with the helpers above.
private func sysOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func sysClose(_ fd: Int32) -> Int32 { close(fd) }
private func sysWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
private func sysPread(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int, _ o: off_t) -> Int { pread(fd, p, n, o) }
private func sysFsync(_ fd: Int32) -> Int32 { fsync(fd) }
private func sysRename(_ f: UnsafePointer<CChar>, _ t: UnsafePointer<CChar>) -> Int32 { rename(f, t) }
private func sysUnlink(_ p: UnsafePointer<CChar>) -> Int32 { unlink(p) }
