import Shared
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ListMultipartUploads parameters, decoded from the query string.
struct ListUploadsRequest: Sendable, Equatable {
    var prefix: String = ""
    /// `nil` or empty: no roll-up into common prefixes.
    var delimiter: String?
    /// S3 default 1000; values above 1000 are capped.
    var maxUploads: Int = 1000
    /// Uploads of keys after this one (and, with `uploadIdMarker`, later uploads of this key).
    var keyMarker: String?
    /// Only with `keyMarker`: continue after this upload of `keyMarker`'s key.
    var uploadIdMarker: String?
}

/// One page of ListMultipartUploads.
struct ListUploadsResult: Sendable, Equatable {
    var uploads: [MultipartUploadInfo]
    var commonPrefixes: [String] = []
    var isTruncated: Bool
    /// The last key and upload id returned, when truncated (`NextKeyMarker`, `NextUploadIdMarker`).
    var nextKeyMarker: String?
    var nextUploadIdMarker: String?
    var maxUploads: Int
}

extension FilesystemStore {
    /// In-progress uploads whose key starts with `prefix`, in S3's order: by key (UTF-8 bytes), then
    /// initiation time. Pages follow S3: `key-marker` alone starts after every upload of that key;
    /// with `upload-id-marker`, after that upload of it. With a delimiter, keys roll up into
    /// common prefixes as in ListObjects.
    func listMultipartUploads(bucket: String, _ request: ListUploadsRequest = ListUploadsRequest()) async throws -> ListUploadsResult {
        try validate(bucket: bucket)
        let uploadsDir = bucketPath(bucket) + "/uploads"
        let prefix = request.prefix
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
                found.append(
                    MultipartUploadInfo(key: record.key, uploadId: uploadId, initiated: record.initiated, checksum: record.checksumSettings))
            }
            return found.sorted {
                guard $0.key.utf8.elementsEqual($1.key.utf8) else { return $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                return $0.initiated == $1.initiated ? $0.uploadId < $1.uploadId : $0.initiated < $1.initiated
            }
        }
        return Self.page(all, request)
    }

    /// Applies markers, delimiter and `maxUploads` to the sorted uploads.
    static func page(_ all: [MultipartUploadInfo], _ request: ListUploadsRequest) -> ListUploadsResult {
        let limit = max(0, min(request.maxUploads, 1000))
        var result = ListUploadsResult(uploads: [], isTruncated: false, maxUploads: limit)
        // max-uploads=0 asks for nothing: an empty, untruncated page, like max-keys=0.
        guard limit > 0 else { return result }
        let markerBytes = request.keyMarker.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        let delimiterBytes = request.delimiter.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        let uploadIdMarker = markerBytes != nil ? request.uploadIdMarker.flatMap { $0.isEmpty ? nil : $0 } : nil
        var afterUploadIdMarker = false
        var lastPrefix: [UInt8]?
        var last: (key: String, uploadId: String?)?
        var returned = 0
        for upload in all {
            let keyBytes = Array(upload.key.utf8)
            if let markerBytes {
                if keyBytes.lexicographicallyPrecedes(markerBytes) { continue }
                if keyBytes == markerBytes {
                    // Without an upload-id marker every upload of the marker's key was listed already;
                    // with one, those up to and including it were.
                    guard uploadIdMarker != nil, afterUploadIdMarker else {
                        if upload.uploadId == uploadIdMarker { afterUploadIdMarker = true }
                        continue
                    }
                }
            }
            if let delimiterBytes, let cut = firstRange(of: delimiterBytes, in: keyBytes, from: request.prefix.utf8.count) {
                let common = Array(keyBytes[..<cut])
                if common == lastPrefix || common == markerBytes { continue }
                if returned == limit {
                    result.isTruncated = true
                    break
                }
                lastPrefix = common
                let text = String(decoding: common, as: UTF8.self)
                result.commonPrefixes.append(text)
                last = (text, nil)
            } else {
                if returned == limit {
                    result.isTruncated = true
                    break
                }
                result.uploads.append(upload)
                last = (upload.key, upload.uploadId)
            }
            returned += 1
        }
        if result.isTruncated, let last {
            result.nextKeyMarker = last.key
            result.nextUploadIdMarker = last.uploadId
        }
        return result
    }
}
