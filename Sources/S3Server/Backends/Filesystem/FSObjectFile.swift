#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The on-disk record stored after an object's (or a part's) bytes.
///
/// Data and metadata live in **one** file — `[payload][record JSON][UInt32 LE JSON length][magic]` —
/// so publishing or replacing an object is a single `rename(2)`: readers see the old object or
/// the new one, never new bytes with old metadata. Metadata goes *after* the payload because
/// size and MD5 are only known once the body has streamed through.
struct FSObjectRecord: Codable, Sendable, Equatable {
    /// Format version.
    var v: Int = 1
    /// The real key (empty for part files).
    var key: String
    var size: Int64
    /// Quoted ETag.
    var etag: String
    var lastModifiedMillis: Int64
    var metadata: ObjectMetadata?
    var partsCount: Int?
    /// For a multipart object: each part's size, in order, for `GET ?partNumber=` (absent in
    /// records written before it was kept).
    var partSizes: [Int64]?
    /// For part files: the part number.
    var partNumber: Int?
    /// The flexible checksum stored with the object or part, if any (absent in older records).
    var checksum: ObjectChecksum?

    var lastModified: Date { Date(timeIntervalSince1970: Double(lastModifiedMillis) / 1000) }

    func objectInfo() -> ObjectInfo {
        ObjectInfo(
            key: key,
            size: size,
            etag: etag,
            lastModified: lastModified,
            metadata: metadata ?? ObjectMetadata(),
            partsCount: partsCount,
            partSizes: partSizes,
            checksum: checksum
        )
    }

    static func nowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}

/// Reads and writes the record trailer of object and part files. Blocking: thread pool only.
enum FSObjectFile {
    static let magic: [UInt8] = Array("PCLSOBJ1".utf8)
    /// Length field plus magic.
    static let footerSize = 4 + 8
    /// Guards against reading a corrupt length as gigabytes of "JSON".
    static let maximumRecordSize = 1 << 20

    /// Appends the record trailer at the current offset of `fd` (right after the payload).
    static func appendRecord(_ record: FSObjectRecord, fd: Int32, path: String) throws {
        var bytes = Array(try JSONEncoder().encode(record))
        let length = UInt32(bytes.count)
        bytes.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)])
        bytes.append(contentsOf: magic)
        try bytes.withUnsafeBytes { try FSFileIO.writeAll(fd, $0, path: path) }
    }

    /// Reads the record of an open object file; `nil` if the file is not a valid record file
    /// (truncated, foreign, or size mismatch), which callers treat as "no such object".
    static func readRecord(fd: Int32, path: String) throws -> FSObjectRecord? {
        let fileSize = try FSFileIO.fileSize(fd, path: path)
        guard fileSize >= Int64(footerSize) else { return nil }
        // One read usually covers footer and JSON: records are a few hundred bytes.
        let tailLength = Int(min(fileSize, 4096))
        var tail = try FSFileIO.pread(fd, count: tailLength, offset: fileSize - Int64(tailLength), path: path)
        guard tail.count == tailLength, Array(tail.suffix(8)) == magic else { return nil }
        let l = tail[tailLength - 12..<tailLength - 8].map { UInt32($0) }
        let jsonLength = Int(l[0] | l[1] << 8 | l[2] << 16 | l[3] << 24)
        guard jsonLength <= maximumRecordSize, Int64(jsonLength + footerSize) <= fileSize else { return nil }
        let payloadSize = fileSize - Int64(jsonLength + footerSize)
        if jsonLength + footerSize > tailLength {
            tail = try FSFileIO.pread(fd, count: jsonLength + footerSize, offset: payloadSize, path: path)
            guard tail.count == jsonLength + footerSize else { return nil }
        }
        let jsonStart = tail.count - footerSize - jsonLength
        let json = tail[jsonStart..<(tail.count - footerSize)]
        guard let record = try? JSONDecoder().decode(FSObjectRecord.self, from: Data(json)),
            record.size == payloadSize
        else { return nil }
        return record
    }

    /// Opens `path` and reads its record; `nil` when the file is missing or invalid.
    /// On success the caller owns the returned descriptor.
    static func open(_ path: String) throws -> (fd: Int32, record: FSObjectRecord)? {
        guard let fd = try FSFileIO.openForReadingIfExists(path) else { return nil }
        do {
            guard let record = try readRecord(fd: fd, path: path) else {
                FSFileIO.close(fd)
                return nil
            }
            return (fd, record)
        } catch {
            FSFileIO.close(fd)
            throw error
        }
    }

    /// Reads just the record of the file at `path`, closing it again.
    static func readRecord(atPath path: String) throws -> FSObjectRecord? {
        guard let (fd, record) = try open(path) else { return nil }
        FSFileIO.close(fd)
        return record
    }
}
