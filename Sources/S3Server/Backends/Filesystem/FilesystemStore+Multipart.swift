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
    ///
    /// - Parameter checksum: the upload's `x-amz-checksum-algorithm` and type: every part then
    ///   carries a checksum of that algorithm, and the object gets a composite or full-object one.
    func createMultipartUpload(
        bucket: String, key: String, metadata: ObjectMetadata, checksum: UploadChecksumSettings? = nil
    ) async throws -> String {
        try validate(bucket: bucket)
        try validate(key: key)
        let uploadId = FSFileIO.randomHex()
        let (bucketDir, target, sync) = (bucketPath(bucket), uploadPath(bucket: bucket, uploadId: uploadId), syncWrites)
        let record = FSUploadRecord(
            key: key, metadata: metadata, initiatedMillis: FSObjectRecord.nowMillis(), checksumAlgorithm: checksum?.algorithm.rawValue,
            checksumType: checksum?.type)
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
    /// A part of an upload with a checksum algorithm always gets a checksum of that algorithm:
    /// the client's (verified) one, or one computed here when it sent none.
    ///
    /// - Returns: the part: its quoted ETag (MD5 hex) and checksum.
    /// - Throws: `InvalidArgument` (part number outside 1…10000), `NoSuchUpload`, `IncompleteBody`,
    ///   `InvalidRequest` (a checksum of another algorithm than the upload's), or the body's own
    ///   error (then no part is stored or changed).
    @discardableResult
    func uploadPart<Body: AsyncSequence>(
        bucket: String,
        key: String,
        uploadId: String,
        partNumber: Int,
        body: Body,
        expectedSize: Int64? = nil,
        checksum: ChecksumSource = .none
    ) async throws -> PartInfo where Body.Element == ByteBuffer {
        try validate(bucket: bucket)
        try validate(key: key)
        guard Self.partNumbers.contains(partNumber) else {
            throw S3StoreError.invalidArgument("Part number must be an integer between 1 and 10000, inclusive")
        }
        if let expectedSize, expectedSize > maximumObjectSize { throw S3StoreError.entityTooLarge }
        let upload = try await io { try requireUpload(bucket: bucket, key: key, uploadId: uploadId) }
        var checksum = checksum
        if let expected = upload.checksumSettings?.algorithm {
            switch checksum.algorithm {
            case nil: checksum = .compute(expected)
            case expected?: break
            case let other?:
                throw S3StoreError.invalidRequest(
                    "Checksum Type mismatch occurred, expected checksum Type: \(expected.rawValue), actual checksum Type: \(other.rawValue)")
            }
        }
        let record = try await writeAndPublish(
            bucket: bucket,
            body: body,
            expectedSize: expectedSize,
            destination: uploadPath(bucket: bucket, uploadId: uploadId) + "/" + Self.partFileName(partNumber),
            createDirectory: false,
            missingDirectoryError: .noSuchUpload(uploadId),
            checksum: checksum
        ) { size, digest, checksum in
            FSObjectRecord(
                key: key,
                size: size,
                etag: "\"" + Hex.encode(digest) + "\"",
                lastModifiedMillis: FSObjectRecord.nowMillis(),
                partNumber: partNumber,
                checksum: checksum
            )
        }
        return PartInfo(
            partNumber: partNumber, etag: record.etag, size: record.size, lastModified: record.lastModified, checksum: record.checksum)
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
            parts: page.map {
                PartInfo(partNumber: $0.partNumber!, etag: $0.etag, size: $0.size, lastModified: $0.lastModified, checksum: $0.checksum)
            },
            partNumberMarker: partNumberMarker,
            nextPartNumberMarker: truncated ? page.last?.partNumber : nil,
            maxParts: maxParts,
            isTruncated: truncated,
            initiated: upload.initiated,
            checksum: upload.checksumSettings
        )
    }

    /// Assembles the listed parts into the object and ends the upload.
    ///
    /// Checks, in S3's order: at least one part (`MalformedXML`), strictly ascending numbers
    /// (`InvalidPartOrder`), every part present with a matching ETag and, when the request names
    /// one, a matching checksum (`InvalidPart`), every part but the last at least
    /// ``minimumPartSize`` (`EntityTooSmall`). An upload with a checksum algorithm needs each
    /// part's checksum in the request (`InvalidRequest`), as in S3. The parts are copied into one
    /// temp file that is renamed over the object, so the object appears whole or not at all.
    ///
    /// - Returns: the object's info; ETag `"<hex MD5 of the concatenated binary part MD5s>-<N>"`;
    ///   with a checksum algorithm, a composite checksum (`base64(hash(part checksums))-N`) or a
    ///   full-object one computed over the assembled bytes.
    /// - Parameter expectedChecksum: the whole object's checksum the client sent with the request
    ///   (`x-amz-checksum-<algorithm>`), checked before anything is published.
    func completeMultipartUpload(
        bucket: String, key: String, uploadId: String, parts: [CompletedPart], expectedChecksum: (algorithm: ChecksumAlgorithm, base64: String)? = nil
    ) async throws -> ObjectInfo {
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
            if let algorithm = upload.checksumSettings?.algorithm, let missing = parts.first(where: { $0.checksum == nil }) {
                throw S3StoreError.invalidRequest(
                    "The upload was created using a \(algorithm.rawValue) checksum. The complete request must include the checksum for each part. It was missing for part \(missing.partNumber) in the request.")
            }
            if records.dropLast().contains(where: { $0.size < minimumPartSize }) { throw S3StoreError.entityTooSmall }
            return upload
        }
        let settings = upload.checksumSettings

        let tempPath = bucketPath(bucket) + "/tmp/" + FSFileIO.randomHex()
        let fd = try await io { try FSFileIO.open(tempPath, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o644) }
        do {
            var digests: [UInt8] = []
            var partChecksums: [String] = []
            var fullObject = settings.flatMap { $0.type == .fullObject ? StreamingChecksum($0.algorithm) : nil }
            var total: Int64 = 0
            var partSizes: [Int64] = []
            for part in parts {
                // One hop per part; the part is re-checked, as it may have been re-uploaded since.
                let (record, running) = try await io { [fullObject] in
                    try Self.appendPart(directory: directory, part: part, to: fd, tempPath: tempPath, checksum: fullObject)
                }
                fullObject = running
                guard let md5 = Hex.decode(Self.unquoted(record.etag)[...]) else { throw S3StoreError.invalidPart() }
                digests += md5
                if let checksum = record.checksum { partChecksums.append(checksum.value) }
                total += record.size
                partSizes.append(record.size)
            }
            let etag = "\"" + Hex.encode(Insecure.MD5.hash(data: digests)) + "-\(parts.count)\""
            var checksum: ObjectChecksum?
            if let settings {
                switch settings.type {
                case .composite:
                    guard partChecksums.count == parts.count,
                        let composite = ObjectChecksum.composite(algorithm: settings.algorithm, partValues: partChecksums)
                    else { throw S3StoreError.invalidPart() }
                    checksum = composite
                case .fullObject:
                    checksum = fullObject.map { ObjectChecksum(algorithm: settings.algorithm, value: $0.base64(), type: .fullObject) }
                }
            }
            if let expectedChecksum {
                // S3 compares a full-object checksum as is and a composite one without its `-N`.
                let computed = checksum.flatMap { Base64.decode($0.value.split(separator: "-").first.map(String.init) ?? $0.value) }
                guard checksum?.algorithmName == expectedChecksum.algorithm.rawValue, let computed,
                    computed == Base64.decode(expectedChecksum.base64.trimmingASCIIWhitespace())
                else {
                    throw S3StoreError.badDigest(expectedChecksum.algorithm.headerName.replacingOccurrences(of: "x-amz-checksum-", with: ""))
                }
            }
            let record = FSObjectRecord(
                key: key,
                size: total,
                etag: etag,
                lastModifiedMillis: FSObjectRecord.nowMillis(),
                metadata: upload.metadata,
                partsCount: parts.count,
                partSizes: partSizes,
                checksum: checksum
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

    // MARK: Helpers (blocking)

    static func unquoted(_ etag: String) -> String {
        var text = Substring(etag)
        if text.hasPrefix("\"") { text = text.dropFirst() }
        if text.hasSuffix("\"") { text = text.dropLast() }
        return text.lowercased()
    }

    /// The record of an uploaded part whose ETag (and checksum, if the request names one)
    /// matches; `InvalidPart` otherwise.
    static func partRecord(directory: String, part: CompletedPart) throws -> FSObjectRecord {
        guard partNumbers.contains(part.partNumber),
            let record = try FSObjectFile.readRecord(atPath: directory + "/" + partFileName(part.partNumber)),
            matches(record, part)
        else { throw S3StoreError.invalidPart() }
        return record
    }

    /// The part the request names is the stored one: same ETag, and the same checksum when the
    /// request gives one (a checksum the part was not stored with cannot match).
    static func matches(_ record: FSObjectRecord, _ part: CompletedPart) -> Bool {
        guard unquoted(record.etag) == unquoted(part.etag) else { return false }
        guard let claimed = part.checksum else { return true }
        guard let stored = record.checksum, stored.algorithmName == claimed.algorithmName,
            let storedBytes = Base64.decode(stored.value), let claimedBytes = Base64.decode(claimed.value)
        else { return false }
        return storedBytes == claimedBytes
    }

    /// Copies a part's payload to the end of `fd` in 1 MiB reads, feeding `checksum` if given;
    /// returns the part's record and the updated checksum.
    static func appendPart(
        directory: String, part: CompletedPart, to fd: Int32, tempPath: String, checksum: StreamingChecksum? = nil
    ) throws -> (FSObjectRecord, StreamingChecksum?) {
        var checksum = checksum
        let path = directory + "/" + partFileName(part.partNumber)
        guard let (source, record) = try FSObjectFile.open(path) else { throw S3StoreError.invalidPart() }
        defer { FSFileIO.close(source) }
        guard matches(record, part) else { throw S3StoreError.invalidPart() }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        while offset < record.size {
            let length = Int(min(Int64(chunk), record.size - offset))
            let read = try FSFileIO.pread(source, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length]), offset: offset, path: path)
            guard read == length else { throw FSFileIOError(operation: "pread (short read)", path: path, errno: 0) }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
            checksum?.update(bytes)
            try FSFileIO.writeAll(fd, bytes, path: tempPath)
            offset += Int64(length)
        }
        return (record, checksum)
    }
}
