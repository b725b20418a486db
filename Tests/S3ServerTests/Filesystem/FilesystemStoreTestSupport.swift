import Foundation
import NIOCore
import Testing

@testable import S3Server

/// Helpers shared by the filesystem-store tests.
enum FSTest {
    struct Boom: Error, Equatable {}

    /// A store on a fresh temporary folder with bucket `bucket`, removed afterwards.
    static func withStore<T>(
        minimumPartSize: Int64 = 5 * 1024 * 1024,
        _ body: (FilesystemStore) async throws -> T
    ) async throws -> T {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fsstore-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var store = FilesystemStore(root: root)
        store.syncWrites = false
        store.minimumPartSize = minimumPartSize
        try await store.createBucket("bucket")
        return try await body(store)
    }

    /// `bytes` as a request body in `chunk`-sized buffers.
    static func body(_ bytes: [UInt8], chunk: Int = 7) -> AsyncThrowingStream<ByteBuffer, any Error> {
        AsyncThrowingStream { continuation in
            var index = 0
            while index < bytes.count {
                let end = min(index + chunk, bytes.count)
                continuation.yield(ByteBuffer(bytes: bytes[index..<end]))
                index = end
            }
            continuation.finish()
        }
    }

    static func body(_ text: String) -> AsyncThrowingStream<ByteBuffer, any Error> {
        body(Array(text.utf8))
    }

    /// Yields `bytes`, then fails the way a digest mismatch or a dropped client would.
    static func failingBody(after bytes: [UInt8]) -> AsyncThrowingStream<ByteBuffer, any Error> {
        AsyncThrowingStream { continuation in
            continuation.yield(ByteBuffer(bytes: bytes))
            continuation.finish(throwing: Boom())
        }
    }

    static func collect(_ body: ObjectBody) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await buffer in body { bytes += buffer.readableBytesView }
        return bytes
    }

    static func getString(_ store: FilesystemStore, _ key: String, bucket: String = "bucket") async throws -> String {
        let content = try await store.getObject(bucket: bucket, key: key)
        return String(decoding: try await collect(content.body), as: UTF8.self)
    }

    /// Runs `operation` and returns the S3 error code it threw (`nil` if it did not throw one).
    static func errorCode(_ operation: () async throws -> Void) async -> String? {
        do {
            try await operation()
            return nil
        } catch let error as S3StoreError {
            return error.code
        } catch {
            return "unexpected: \(error)"
        }
    }

    /// Every regular file under `path`, relative to it.
    static func files(under path: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return [] }
        var files: [String] = []
        while let next = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + next, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(next)
            }
        }
        return files.sorted()
    }
}
