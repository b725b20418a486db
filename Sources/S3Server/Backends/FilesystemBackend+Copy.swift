import Foundation
import HTTPTypes
import Shared

extension FilesystemBackend {
    /// CopyObject and UploadPartCopy: the source streams from its file into the destination's
    /// temp file, so a copy is published exactly like an upload (atomic, never partial).
    func copy(_ request: BackendRequest) async throws -> BackendResponse {
        let operation = request.operation
        guard let source = operation.copySource, let bucket = operation.bucket, let key = operation.key else {
            throw S3Error.invalidRequest("A copy needs x-amz-copy-source")
        }
        if let version = source.versionID, version != "null" {
            // This store keeps one version per key: S3's "null" version of an unversioned bucket.
            throw S3Error("NoSuchVersion", "The specified version does not exist.", status: 404, details: [("Key", source.key), ("VersionId", version)])
        }
        let range = operation.name == .uploadPartCopy ? request.headers[HTTPField.Name("x-amz-copy-source-range")!] : nil
        let content = try await store.getObject(bucket: source.bucket, key: source.key)
        var sourceBody = content.body
        if let range {
            // Stricter than GET's Range: exactly `bytes=first-last` inside the object, as S3 requires.
            guard let (first, last) = Self.copySourceRange(range), last < content.info.size else {
                throw S3Error.invalidArgument("Range specified is not valid for source object", name: "x-amz-copy-source-range", value: range)
            }
            sourceBody = content.body.slice(first: first, last: last)
        }
        try Self.checkCopySourceConditions(request.headers, source: content.info)

        if operation.name == .uploadPartCopy {
            let partNumber = try Self.integer(request.target.parameter("partNumber"), name: "partNumber", default: 0)
            // The part gets the upload's checksum algorithm, computed over the copied bytes.
            let part = try await store.uploadPart(
                bucket: bucket, key: key, uploadId: request.target.parameter("uploadId") ?? "", partNumber: partNumber,
                body: sourceBody, expectedSize: sourceBody.count)
            return .xml(Self.copyResult("CopyPartResult", etag: part.etag, lastModified: part.lastModified, checksum: part.checksum, includeType: false))
        }
        let directive = request.headers[HTTPField.Name("x-amz-metadata-directive")!]?.uppercased() ?? "COPY"
        guard directive == "COPY" || directive == "REPLACE" else {
            throw S3Error.invalidArgument("Unknown metadata directive.", name: "x-amz-metadata-directive", value: directive)
        }
        if source.bucket == bucket, source.key == key, directive == "COPY" {
            throw S3Error.invalidRequest(
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
        }
        let metadata = directive == "REPLACE" ? ObjectMetadata(headers: Self.headerPairs(request.headers)) : content.info.metadata
        let info = try await store.putObject(
            bucket: bucket, key: key, metadata: metadata, body: sourceBody, expectedSize: sourceBody.count,
            checksum: try Self.copyChecksum(request.headers, source: content.info))
        return .xml(Self.copyResult("CopyObjectResult", etag: info.etag, lastModified: info.lastModified, checksum: info.checksum))
    }

    /// `bytes=<first>-<last>` with `first <= last`, digits only.
    static func copySourceRange(_ text: String) -> (Int64, Int64)? {
        guard text.hasPrefix("bytes=") else { return nil }
        let parts = text.dropFirst("bytes=".count).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
            let first = Int64(parts[0]), let last = Int64(parts[1]), first <= last
        else { return nil }
        return (first, last)
    }

    static func copyResult(
        _ root: String, etag: String, lastModified: Date, checksum: ObjectChecksum? = nil, includeType: Bool = true
    ) -> String {
        S3XML.declaration + "<\(root) xmlns=\"\(S3XML.namespace)\"><LastModified>\(S3DateFormat.iso8601Milliseconds(lastModified))</LastModified>"
            + "<ETag>\(S3XML.escape(etag))</ETag>" + checksumElements(checksum, includeType: includeType) + "</\(root)>"
    }

    /// `x-amz-copy-source-if-*`: any condition that does not hold is `PreconditionFailed`.
    static func checkCopySourceConditions(_ headers: HTTPFields, source: ObjectInfo) throws {
        let conditions = Preconditions(headers, prefix: "x-amz-copy-source-")
        switch conditions.evaluate(etag: source.etag, lastModified: Int64(source.lastModified.timeIntervalSince1970)) {
        case .proceed: return
        case .notModified(let condition), .failed(let condition): throw Preconditions.failure("x-amz-copy-source-" + condition)
        }
    }
}
