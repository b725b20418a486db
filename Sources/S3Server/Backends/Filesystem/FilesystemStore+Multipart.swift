import Shared
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto
import NIOCore

/// Multipart uploads: `uploads/<uploadId>/upload.json` plus one `part-NNNNN` file per part, each
/// a payload with a record trailer like an object file, so a part is published by one rename.
extension FilesystemStore {
    /// S3's part-number range.
    static let partNumbers = 1...10_000

    func uploadPath(bucket: String, uploadId: String) -> String {
        bucketPath(bucket) + "/uploads/" + uploadId
    }

    static func partFileName(_ partNumber: Int) -> String {
        let digits = String(partNumber)
        return "part-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// Upload ids are ours: 32 lowercase hex digits. Checking the shape first is what makes a
    /// client-supplied id safe to use as a folder name (no `..`, no `/`).
    static func isWellFormedUploadId(_ uploadId: String) -> Bool {
        uploadId.utf8.count == 32 && uploadId.utf8.allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
    }

    /// Starts an upload; returns its id. The upload folder is built in `tmp/` and renamed in.
    func createMultipartUpload(bucket: String, key: String, metadata: ObjectMetadata) async throws -> String {
        try validate(bucket: bucket)
        try validate(key: key)
        let uploadId = FSFileIO.randomHex()
        let (bucketDir, target, sync) = (bucketPath(bucket), uploadPath(bucket: bucket, uploadId: uploadId), syncWrites)
        let record = FSUploadRecord(key: key, metadata: metadata, initiatedMillis: FSObjectRecord.nowMillis())
        try await io {
            try requireBucket(bucket)
            let temp = bucketDir + "/tmp/" + FSFileIO.randomHex()
            do {
                try FSFileIO.makeDirectory(temp)
                let json = try JSONEncoder().encode(record)
                let fd = try FSFileIO.open(temp + "/upload.json", flags: O_WRONLY | O_CREAT | O_EXCL)
                defer { FSFileIO.close(fd) }
                try Array(json).withUnsafeBytes { try FSFileIO.writeAll(fd, $0, path: temp + "/upload.json") }
                if sync { try FSFileIO.fsync(fd, path: temp + "/upload.json") }
                try FSFileIO.rename(temp, target)
            } catch {
                try? FSFileIO.removeTree(temp)
                throw error
            }
        }
        return uploadId
    }

    /// Blocking: the upload's record, or `NoSuchUpload` (also when it belongs to another key).
    func requireUpload(bucket: String, key: String, uploadId: String) throws -> FSUploadRecord {
        try requireBucket(bucket)
        guard Self.isWellFormedUploadId(uploadId) else { throw S3StoreError.noSuchUpload(uploadId) }
        let path = uploadPath(bucket: bucket, uploadId: uploadId) + "/upload.json"
        guard let fd = try FSFileIO.openForReadingIfExists(path) else { throw S3StoreError.noSuchUpload(uploadId) }
        defer { FSFileIO.close(fd) }
        let size = try FSFileIO.fileSize(fd, path: path)
        let bytes = try FSFileIO.pread(fd, count: Int(min(size, 1 << 20)), offset: 0, path: path)
        let record = try JSONDecoder().decode(FSUploadRecord.self, from: Data(bytes))
        guard record.key.utf8.elementsEqual(key.utf8) else { throw S3StoreError.noSuchUpload(uploadId) }
        return record
    }

    /// Stores one part, streamed like a PUT; re-uploading a part number replaces it.
    ///
    /// - Returns: the part's quoted ETag (MD5 hex).
    /// - Throws: `InvalidArgument` (part number outside 1…10000), `NoSuchUpload`, `IncompleteBody`,
    ///   or the body's own error (then no part is stored or changed).
    func uploadPart<Body: AsyncSequence>(
        bucket: String,
        key: String,
        uploadId: String,
        partNumber: Int,
        body: Body,
        expectedSize: Int64? = nil
    ) async throws -> String where Body.Element == ByteBuffer {
        try validate(bucket: bucket)
        try validate(key: key)
        guard Self.partNumbers.contains(partNumber) else {
            throw S3StoreError.invalidArgument("Part number must be an integer between 1 and 10000, inclusive")
        }
        if let expectedSize, expectedSize > maximumObjectSize { throw S3StoreError.entityTooLarge }
        _ = try await io { try requireUpload(bucket: bucket, key: key, uploadId: uploadId) }
        let record = try await writeAndPublish(
            bucket: bucket,
            body: body,
            expectedSize: expectedSize,
            destination: uploadPath(bucket: bucket, uploadId: uploadId) + "/" + Self.partFileName(partNumber),
            createDirectory: false,
            missingDirectoryError: .noSuchUpload(uploadId)
        ) { size, digest in
            FSObjectRecord(
                key: key,
                size: size,
                etag: "\"" + Hex.encode(digest) + "\"",
                lastModifiedMillis: FSObjectRecord.nowMillis(),
                partNumber: partNumber
            )
        }
        return record.etag
    }

    /// Lists uploaded parts in part-number order, after `partNumberMarker`, at most `maxParts` (cap 1000).
    func listParts(bucket: String, key: String, uploadId: String, partNumberMarker: Int = 0, maxParts: Int = 1000) async throws -> ListPartsResult {
        try validate(bucket: bucket)
        try validate(key: key)
        let maxParts = max(0, min(maxParts, 1000))
        let directory = uploadPath(bucket: bucket, uploadId: uploadId)
        let (upload, records) = try await io { () throws -> (FSUploadRecord, [FSObjectRecord]) in
            let upload = try requireUpload(bucket: bucket, key: key, uploadId: uploadId)
            var records: [FSObjectRecord] = []
            for name in try FSFileIO.listDirectory(directory) where name.hasPrefix("part-") {
                if let record = try FSObjectFile.readRecord(atPath: directory + "/" + name), record.partNumber != nil {
                    records.append(record)
                }
            }
            return (upload, records.sorted { $0.partNumber! < $1.partNumber! })
        }
        let after = records.filter { $0.partNumber! > partNumberMarker }
        let page = after.prefix(maxParts)
        let truncated = after.count > page.count
        return ListPartsResult(
            key: key,
            uploadId: uploadId,
            parts: page.map { PartInfo(partNumber: $0.partNumber!, etag: $0.etag, size: $0.size, lastModified: $0.lastModified) },
            partNumberMarker: partNumberMarker,
            nextPartNumberMarker: truncated ? page.last?.partNumber : nil,
            maxParts: maxParts,
            isTruncated: truncated,
            initiated: upload.initiated
        )
    }

    /// Assembles the listed parts into the object and ends the upload.
    ///
    /// Checks, in S3's order: at least one part (`MalformedXML`), strictly ascending numbers
    /// (`InvalidPartOrder`), every part present with a matching ETag (`InvalidPart`), every part
    /// but the last at least ``minimumPartSize`` (`EntityTooSmall`). The parts are copied into one
    /// temp file that is renamed over the object, so the object appears whole or not at all.
    ///
    /// - Returns: the object's info; ETag `"<hex MD5 of the concatenated binary part MD5s>-<N>"`.
    func completeMultipartUpload(bucket: String, key: String, uploadId: String, parts: [CompletedPart]) async throws -> ObjectInfo {
        try validate(bucket: bucket)
        try validate(key: key)
        guard !parts.isEmpty else { throw S3StoreError.malformedXML }
        for (previous, next) in zip(parts, parts.dropFirst()) where next.partNumber <= previous.partNumber {
            throw S3StoreError.invalidPartOrder
        }
        let directory = uploadPath(bucket: bucket, uploadId: uploadId)
        let minimumPartSize = self.minimumPartSize
        let upload = try await io { () throws -> FSUploadRecord in
            let upload = try requireUpload(bucket: bucket, key: key, uploadId: uploadId)
            // Every part must exist before sizes are judged, as S3 reports InvalidPart first.
            let records = try parts.map { try Self.partRecord(directory: directory, part: $0) }
            if records.dropLast().contains(where: { $0.size < minimumPartSize }) { throw S3StoreError.entityTooSmall }
            return upload
        }

        let tempPath = bucketPath(bucket) + "/tmp/" + FSFileIO.randomHex()
        let fd = try await io { try FSFileIO.open(tempPath, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o644) }
        do {
            var digests: [UInt8] = []
            var total: Int64 = 0
            for part in parts {
                // One hop per part; the part is re-checked, as it may have been re-uploaded since.
                let record = try await io { try Self.appendPart(directory: directory, part: part, to: fd, tempPath: tempPath) }
                guard let md5 = Hex.decode(Self.unquoted(record.etag)[...]) else { throw S3StoreError.invalidPart() }
                digests += md5
                total += record.size
            }
            let etag = "\"" + Hex.encode(Insecure.MD5.hash(data: digests)) + "-\(parts.count)\""
            let record = FSObjectRecord(
                key: key,
                size: total,
                etag: etag,
                lastModifiedMillis: FSObjectRecord.nowMillis(),
                metadata: upload.metadata,
                partsCount: parts.count
            )
            try await publish(
                fd: fd,
                tempPath: tempPath,
                record: record,
                destination: objectPath(bucket: bucket, key: key),
                missingDirectoryError: .noSuchBucket(bucket)
            )
            try await io { try FSFileIO.removeTree(directory) }
            return record.objectInfo()
        } catch {
            try? await io {
                FSFileIO.close(fd)
                try FSFileIO.unlinkIfExists(tempPath)
            }
            throw error
        }
    }

    /// Discards an upload and its parts. `NoSuchUpload` if it does not exist.
    func abortMultipartUpload(bucket: String, key: String, uploadId: String) async throws {
        try validate(bucket: bucket)
        try validate(key: key)
        let (directory, trash) = (uploadPath(bucket: bucket, uploadId: uploadId), bucketPath(bucket) + "/tmp/" + FSFileIO.randomHex())
        try await io {
            _ = try requireUpload(bucket: bucket, key: key, uploadId: uploadId)
            // Rename first: the upload disappears in one step, then the parts are removed.
            do {
                try FSFileIO.rename(directory, trash)
            } catch let error as FSFileIOError where error.errno == ENOENT {
                throw S3StoreError.noSuchUpload(uploadId)
            }
            try FSFileIO.removeTree(trash)
        }
    }

    /// In-progress uploads whose key starts with `prefix`, sorted by key (UTF-8 bytes), then
    /// initiation time. At most `maxUploads` (cap 1000); pagination markers are not supported.
    func listMultipartUploads(bucket: String, prefix: String = "", maxUploads: Int = 1000) async throws -> (uploads: [MultipartUploadInfo], isTruncated: Bool) {
        try validate(bucket: bucket)
        let uploadsDir = bucketPath(bucket) + "/uploads"
        let all = try await io { () throws -> [MultipartUploadInfo] in
            try requireBucket(bucket)
            var found: [MultipartUploadInfo] = []
            for uploadId in try FSFileIO.listDirectory(uploadsDir) where Self.isWellFormedUploadId(uploadId) {
                let path = uploadsDir + "/" + uploadId + "/upload.json"
                guard let fd = try FSFileIO.openForReadingIfExists(path) else { continue }
                defer { FSFileIO.close(fd) }
                let bytes = try FSFileIO.pread(fd, count: 1 << 20, offset: 0, path: path)
                guard let record = try? JSONDecoder().decode(FSUploadRecord.self, from: Data(bytes)),
                    record.key.utf8.starts(with: prefix.utf8)
                else { continue }
                found.append(MultipartUploadInfo(key: record.key, uploadId: uploadId, initiated: record.initiated))
            }
            return found.sorted {
                $0.key.utf8.elementsEqual($1.key.utf8) ? $0.initiated < $1.initiated : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8)
            }
        }
        let limit = max(0, min(maxUploads, 1000))
        return (Array(all.prefix(limit)), all.count > limit)
    }

    // MARK: Helpers (blocking)

    static func unquoted(_ etag: String) -> String {
        var text = Substring(etag)
        if text.hasPrefix("\"") { text = text.dropFirst() }
        if text.hasSuffix("\"") { text = text.dropLast() }
        return text.lowercased()
    }

    /// The record of an uploaded part whose ETag matches; `InvalidPart` otherwise.
    static func partRecord(directory: String, part: CompletedPart) throws -> FSObjectRecord {
        guard partNumbers.contains(part.partNumber),
            let record = try FSObjectFile.readRecord(atPath: directory + "/" + partFileName(part.partNumber)),
            unquoted(record.etag) == unquoted(part.etag)
        else { throw S3StoreError.invalidPart() }
        return record
    }

    /// Copies a part's payload to the end of `fd` in 1 MiB reads; returns the part's record.
    static func appendPart(directory: String, part: CompletedPart, to fd: Int32, tempPath: String) throws -> FSObjectRecord {
        let path = directory + "/" + partFileName(part.partNumber)
        guard let (source, record) = try FSObjectFile.open(path) else { throw S3StoreError.invalidPart() }
        defer { FSFileIO.close(source) }
        guard unquoted(record.etag) == unquoted(part.etag) else { throw S3StoreError.invalidPart() }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        while offset < record.size {
            let length = Int(min(Int64(chunk), record.size - offset))
            let read = try FSFileIO.pread(source, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length]), offset: offset, path: path)
            guard read == length else { throw FSFileIOError(operation: "pread (short read)", path: path, errno: 0) }
            try FSFileIO.writeAll(fd, UnsafeRawBufferPointer(rebasing: buffer[0..<length]), path: tempPath)
            offset += Int64(length)
        }
        return record
    }
}
