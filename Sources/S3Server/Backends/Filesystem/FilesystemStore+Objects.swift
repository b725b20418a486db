import Shared
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import NIOCore

/// The result of GetObject: what to put in the headers, and the bytes to stream.
struct ObjectContent: Sendable {
    var info: ObjectInfo
    /// The range served (`206`, `Content-Range: range.contentRange`), or `nil` for the whole object (`200`).
    var range: ByteRange?
    /// Exactly `body.count` bytes: the response `Content-Length`.
    var body: ObjectBody
}

extension FilesystemStore {
    /// Stores an object, streaming `body` to disk; it becomes visible only once complete.
    ///
    /// The body is written to a temp file in the bucket's `tmp/` while its MD5 is computed, the
    /// record is appended, the file is `fsync`ed and renamed over the object path. If `body`
    /// throws, its error is rethrown unchanged after the temp file is removed: nothing changes.
    ///
    /// - Parameters:
    ///   - expectedSize: the request's decoded content length, if known; a different byte count
    ///     is `IncompleteBody`.
    ///   - checksum: the flexible checksum to store with the object (a full-object one).
    /// - Returns: the stored object's info (ETag is the quoted MD5 hex).
    func putObject<Body: AsyncSequence>(
        bucket: String,
        key: String,
        metadata: ObjectMetadata,
        body: Body,
        expectedSize: Int64? = nil,
        checksum: ChecksumSource = .none
    ) async throws -> ObjectInfo where Body.Element == ByteBuffer {
        try validate(bucket: bucket)
        try validate(key: key)
        if let expectedSize, expectedSize > maximumObjectSize { throw S3StoreError.entityTooLarge }
        try await io { try requireBucket(bucket) }
        let record = try await writeAndPublish(
            bucket: bucket,
            body: body,
            expectedSize: expectedSize,
            destination: objectPath(bucket: bucket, key: key),
            checksum: checksum
        ) { size, digest, checksum in
            FSObjectRecord(
                key: key,
                size: size,
                etag: "\"" + Hex.encode(digest) + "\"",
                lastModifiedMillis: FSObjectRecord.nowMillis(),
                metadata: metadata,
                checksum: checksum
            )
        }
        return record.objectInfo()
    }

    /// Looks up an object and opens it for streaming.
    ///
    /// - Parameters:
    ///   - range: the raw `Range` header value, if any (see ``ByteRange/resolve(header:size:)``).
    ///   - partNumber: serve only this part (`GET ?partNumber=`); the caller never passes both.
    /// - Throws: `NoSuchBucket`, `NoSuchKey`, `InvalidRange` or `InvalidPartNumber` (with
    ///   ``S3StoreError/actualObjectSize``).
    func getObject(bucket: String, key: String, range: String? = nil, partNumber: Int? = nil) async throws -> ObjectContent {
        try validate(bucket: bucket)
        try validate(key: key)
        let path = objectPath(bucket: bucket, key: key)
        let (fd, record) = try await io { () throws -> (Int32, FSObjectRecord) in
            try requireBucket(bucket)
            guard let (fd, record) = try FSObjectFile.open(path) else { throw S3StoreError.noSuchKey(key) }
            guard record.key.utf8.elementsEqual(key.utf8) else {
                FSFileIO.close(fd)
                throw S3StoreError.noSuchKey(key)
            }
            return (fd, record)
        }
        let file = FSOpenFile(fd: fd, path: path)
        let byteRange =
            try partNumber.map { try ByteRange.part($0, of: record.objectInfo()) } ?? ByteRange.resolve(header: range, size: record.size)
        let start = byteRange?.start ?? 0
        let end = byteRange.map { $0.end + 1 } ?? record.size
        return ObjectContent(
            info: record.objectInfo(),
            range: byteRange,
            body: ObjectBody(file: file, startOffset: start, endOffset: end, threadPool: threadPool)
        )
    }

    /// The object's info without opening its bytes. `NoSuchBucket`, `NoSuchKey`.
    func headObject(bucket: String, key: String) async throws -> ObjectInfo {
        try validate(bucket: bucket)
        try validate(key: key)
        let path = objectPath(bucket: bucket, key: key)
        return try await io {
            try requireBucket(bucket)
            guard let record = try FSObjectFile.readRecord(atPath: path), record.key.utf8.elementsEqual(key.utf8) else {
                throw S3StoreError.noSuchKey(key)
            }
            return record.objectInfo()
        }
    }

    /// Deletes an object. Deleting a missing key succeeds, as in S3; a missing bucket does not.
    func deleteObject(bucket: String, key: String) async throws {
        try validate(bucket: bucket)
        try validate(key: key)
        let path = objectPath(bucket: bucket, key: key)
        try await io {
            try requireBucket(bucket)
            try FSFileIO.unlinkIfExists(path)
        }
    }

    // MARK: Shared write path

    /// Streams `body` into a temp file, appends the record built by `makeRecord(size, md5,
    /// checksum)`, syncs, and renames it to `destination`. On any failure the temp file is removed.
    ///
    /// A `.verified` checksum is read only after the body ended: the request body has verified it
    /// by then (or thrown), and a trailer checksum exists only then.
    func writeAndPublish<Body: AsyncSequence>(
        bucket: String,
        body: Body,
        expectedSize: Int64?,
        destination: String,
        createDirectory: Bool = true,
        missingDirectoryError: S3StoreError? = nil,
        checksum checksumSource: ChecksumSource = .none,
        makeRecord: @escaping @Sendable (Int64, Insecure.MD5Digest, ObjectChecksum?) -> FSObjectRecord
    ) async throws -> FSObjectRecord where Body.Element == ByteBuffer {
        let tempPath = bucketPath(bucket) + "/tmp/" + FSFileIO.randomHex()
        let fd: Int32
        do {
            fd = try await io { try FSFileIO.open(tempPath, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o644) }
        } catch let error as FSFileIOError where error.errno == ENOENT {
            throw S3StoreError.noSuchBucket(bucket)
        }
        do {
            var md5 = Insecure.MD5()
            var computed: StreamingChecksum?
            if case .compute(let algorithm) = checksumSource { computed = StreamingChecksum(algorithm) }
            var size: Int64 = 0
            for try await chunk in body {
                size += Int64(chunk.readableBytes)
                if size > maximumObjectSize { throw S3StoreError.entityTooLarge }
                if let expectedSize, size > expectedSize { throw S3StoreError.incompleteBody }
                chunk.withUnsafeReadableBytes { md5.update(bufferPointer: $0) }
                if computed != nil { chunk.withUnsafeReadableBytes { computed!.update($0) } }
                try await io { try FSFileIO.writeAll(fd, chunk, path: tempPath) }
            }
            if let expectedSize, size != expectedSize { throw S3StoreError.incompleteBody }
            let checksum: ObjectChecksum?
            switch checksumSource {
            case .none: checksum = nil
            case .verified(let algorithm, let value): checksum = value().map { ObjectChecksum(algorithm: algorithm, value: $0) }
            case .compute(let algorithm): checksum = computed.map { ObjectChecksum(algorithm: algorithm, value: $0.base64()) }
            }
            let record = makeRecord(size, md5.finalize(), checksum)
            try await publish(
                fd: fd,
                tempPath: tempPath,
                record: record,
                destination: destination,
                createDirectory: createDirectory,
                missingDirectoryError: missingDirectoryError ?? .noSuchBucket(bucket)
            )
            return record
        } catch {
            try? await io {
                FSFileIO.close(fd)
                try FSFileIO.unlinkIfExists(tempPath)
            }
            throw error
        }
    }

    /// Appends `record` to the open temp file, syncs, and renames it over `destination`.
    /// Does not close `fd` on failure (the caller's cleanup does); closes it on success.
    ///
    /// - Parameter createDirectory: create the destination's folder (an object shard) if
    ///   missing. Parts pass `false`, so a part racing an abort cannot resurrect the upload
    ///   folder; the missing folder then surfaces as `missingDirectoryError`.
    func publish(
        fd: Int32,
        tempPath: String,
        record: FSObjectRecord,
        destination: String,
        createDirectory: Bool = true,
        missingDirectoryError: S3StoreError
    ) async throws {
        let sync = syncWrites
        let directory = String(destination[..<destination.lastIndex(of: "/")!])
        try await io {
            try FSObjectFile.appendRecord(record, fd: fd, path: tempPath)
            if sync { try FSFileIO.fsync(fd, path: tempPath) }
            do {
                if createDirectory { try FSFileIO.makeDirectory(directory) }
                try FSFileIO.rename(tempPath, destination)
            } catch let error as FSFileIOError where error.errno == ENOENT {
                throw missingDirectoryError
            }
            if sync { try FSFileIO.fsyncDirectory(directory) }
            FSFileIO.close(fd)
        }
    }
}
