import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Shared

/// The embedded backend: S3 semantics over `FilesystemStore`, a folder of buckets.
///
/// The store does the storing; this adapter maps S3 operations to store calls and store
/// results to S3 responses (headers, XML, status codes).
struct FilesystemBackend: S3Backend {
    let name: String
    let store: FilesystemStore

    init(name: String, root: String) throws {
        self.name = name
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        self.store = FilesystemStore(root: root)
    }

    /// Removes temp files an earlier crash may have left.
    func prepare() async throws { try await store.removeStaleTemporaryFiles() }

    func listBuckets() async throws -> [BucketSummary] {
        try await store.listBuckets().map { BucketSummary(name: $0.name, creationDate: Int64($0.creationDate.timeIntervalSince1970)) }
    }

    func handle(_ request: BackendRequest, body: BackendRequestBody) async throws -> BackendResponse {
        do {
            return try await perform(request, body: body)
        } catch let error as S3StoreError {
            throw Self.s3Error(error, request: request)
        }
    }

    func deleteObjects(
        bucket: String, objects: [DeleteObjectsRequest.Object], request: BackendRequest
    ) async throws -> [DeleteObjectsResult.Entry] {
        do {
            try await store.headBucket(bucket)
        } catch let error as S3StoreError {
            throw Self.s3Error(error, request: request)
        }
        var entries: [DeleteObjectsResult.Entry] = []
        entries.reserveCapacity(objects.count)
        for object in objects {
            // The store keeps one version per key, S3's "null" version of an unversioned bucket.
            if let version = object.versionID, version != "null" {
                entries.append(.failed(object, code: "NoSuchVersion", message: "The specified version does not exist."))
                continue
            }
            do {
                try await store.deleteObject(bucket: bucket, key: object.key)
                entries.append(.deleted(object))
            } catch let error as S3StoreError {
                entries.append(.failed(object, code: error.code, message: error.message))
            }
        }
        return entries
    }

    private static func s3Error(_ error: S3StoreError, request: BackendRequest) -> S3Error {
        var s3Error = S3Error(error.code, error.message, status: error.httpStatus)
        if error.code == "NoSuchKey", let key = request.operation.key { s3Error.details = [("Key", key)] }
        if error.code == "NoSuchBucket", let bucket = request.operation.bucket { s3Error.details = [("BucketName", bucket)] }
        if error.code == "NoSuchUpload", let uploadID = request.target.parameter("uploadId") { s3Error.details = [("UploadId", uploadID)] }
        if error.code == "InvalidRange", let size = error.actualObjectSize {
            // As S3 words it: the range asked for and the size it could not be satisfied from.
            s3Error.details = [("RangeRequested", request.headers[.range] ?? ""), ("ActualObjectSize", String(size))]
        }
        return s3Error
    }

    private func perform(_ request: BackendRequest, body: BackendRequestBody) async throws -> BackendResponse {
        let operation = request.operation
        let target = request.target
        let bucket = operation.bucket ?? ""
        let key = operation.key ?? ""
        switch operation.name {
        case .headBucket:
            try await store.headBucket(bucket)
            return BackendResponse(status: .ok, headers: [.contentLength: "0"])
        case .createBucket:
            try await store.createBucket(bucket)
            return BackendResponse(status: .ok, headers: [.location: "/\(bucket)", .contentLength: "0"])
        case .deleteBucket:
            try await store.deleteBucket(bucket)
            return BackendResponse(status: .noContent)
        case .getBucketLocation:
            try await store.headBucket(bucket)
            return .xml(S3XML.locationConstraint(nil))
        case .listObjects, .listObjectsV2:
            return try await list(request, bucket: bucket)
        case .listMultipartUploads:
            var listRequest = ListUploadsRequest()
            listRequest.prefix = target.parameter("prefix") ?? ""
            listRequest.delimiter = target.parameter("delimiter")
            listRequest.maxUploads = try Self.integer(target.parameter("max-uploads"), name: "max-uploads", default: 1000)
            listRequest.keyMarker = target.parameter("key-marker")
            listRequest.uploadIdMarker = target.parameter("upload-id-marker")
            let result = try await store.listMultipartUploads(bucket: bucket, listRequest)
            return .xml(
                S3XML.listMultipartUploadsResult(
                    bucket: bucket, request: listRequest, result: result, urlEncoded: try Self.urlEncoding(target)))
        case .getObject, .headObject:
            return try await get(request, bucket: bucket, key: key)
        case .putObject:
            try await checkWritePreconditions(request, bucket: bucket, key: key)
            let info = try await store.putObject(
                bucket: bucket, key: key, metadata: ObjectMetadata(headers: Self.headerPairs(request.headers)), body: body,
                expectedSize: request.contentLength, checksum: Self.checksumSource(of: body))
            var headers: HTTPFields = [.eTag: info.etag, .contentLength: "0"]
            Self.addChecksumHeaders(info.checksum, to: &headers)
            return BackendResponse(status: .ok, headers: headers)
        case .deleteObject:
            try await checkWritePreconditions(request, bucket: bucket, key: key)
            try await store.deleteObject(bucket: bucket, key: key)
            return BackendResponse(status: .noContent)
        case .createMultipartUpload:
            let checksum = try UploadChecksumSettings.parse(
                algorithm: request.headers[Self.checksumAlgorithmHeader], type: request.headers[Self.checksumTypeHeader])
            let uploadID = try await store.createMultipartUpload(
                bucket: bucket, key: key, metadata: ObjectMetadata(headers: Self.headerPairs(request.headers)), checksum: checksum)
            var response = BackendResponse.xml(S3XML.initiateMultipartUploadResult(bucket: bucket, key: key, uploadId: uploadID))
            if let checksum {
                response.headers[Self.checksumAlgorithmHeader] = checksum.algorithm.sdkName
                response.headers[Self.checksumTypeHeader] = checksum.type.rawValue
            }
            return response
        case .uploadPart:
            let partNumber = try Self.integer(target.parameter("partNumber"), name: "partNumber", default: 0)
            let part = try await store.uploadPart(
                bucket: bucket, key: key, uploadId: target.parameter("uploadId") ?? "", partNumber: partNumber, body: body,
                expectedSize: request.contentLength, checksum: Self.checksumSource(of: body))
            var headers: HTTPFields = [.eTag: part.etag, .contentLength: "0"]
            Self.addChecksumHeaders(part.checksum, to: &headers, includeType: false)
            return BackendResponse(status: .ok, headers: headers)
        case .completeMultipartUpload:
            var collected = ByteBuffer()
            for try await chunk in body {
                guard collected.readableBytes + chunk.readableBytes <= CompleteMultipartUploadRequest.defaultMaximumSize else {
                    throw S3StoreError.invalidRequest("The CompleteMultipartUpload request body is too large.")
                }
                var chunk = chunk
                collected.writeBuffer(&chunk)
            }
            let parts = try CompleteMultipartUploadRequest(parsing: collected).parts
            // Conditional writes apply to the object the upload creates; a refused upload stays
            // open for another attempt, as in S3.
            try await checkWritePreconditions(request, bucket: bucket, key: key)
            let info = try await store.completeMultipartUpload(
                bucket: bucket, key: key, uploadId: target.parameter("uploadId") ?? "", parts: parts,
                expectedChecksum: try S3Responder.checksumHeader(request.headers))
            let location = "/\(bucket)/\(S3XML.urlEncode(key))"
            return .xml(
                S3XML.completeMultipartUploadResult(location: location, bucket: bucket, key: key, etag: info.etag, checksum: info.checksum))
        case .abortMultipartUpload:
            try await store.abortMultipartUpload(bucket: bucket, key: key, uploadId: target.parameter("uploadId") ?? "")
            return BackendResponse(status: .noContent)
        case .listParts:
            let marker = try Self.integer(target.parameter("part-number-marker"), name: "part-number-marker", default: 0)
            let maxParts = try Self.integer(target.parameter("max-parts"), name: "max-parts", default: 1000)
            let result = try await store.listParts(
                bucket: bucket, key: key, uploadId: target.parameter("uploadId") ?? "", partNumberMarker: marker, maxParts: maxParts)
            return .xml(S3XML.listPartsResult(bucket: bucket, result: result, urlEncoded: try Self.urlEncoding(target)))
        case .copyObject, .uploadPartCopy:
            return try await copy(request)
        case .listBuckets, .deleteObjects:
            throw S3Error.notImplemented("\(operation.name.rawValue) on the filesystem backend")
        default:
            // Sub-resource operations: the few the store can answer, NotImplemented for the rest.
            return try await performSubresource(request)
        }
    }

    private func list(_ request: BackendRequest, bucket: String) async throws -> BackendResponse {
        let target = request.target
        let v2 = request.operation.name == .listObjectsV2
        var listRequest = ListObjectsRequest()
        listRequest.prefix = target.parameter("prefix") ?? ""
        listRequest.delimiter = target.parameter("delimiter")
        listRequest.maxKeys = try Self.integer(target.parameter("max-keys"), name: "max-keys", default: 1000)
        let urlEncoded = try Self.urlEncoding(target)
        if v2 {
            listRequest.startAfter = target.parameter("start-after")
            listRequest.continuationToken = target.parameter("continuation-token")
        } else {
            listRequest.startAfter = target.parameter("marker")
        }
        let result = try await store.listObjects(bucket: bucket, listRequest)
        let xml = v2
            ? S3XML.listBucketResultV2(
                bucket: bucket, request: listRequest, result: result, urlEncoded: urlEncoded,
                fetchOwner: target.parameter("fetch-owner") == "true")
            : S3XML.listBucketResultV1(bucket: bucket, request: listRequest, result: result, urlEncoded: urlEncoded)
        return .xml(xml)
    }

    private func get(_ request: BackendRequest, bucket: String, key: String) async throws -> BackendResponse {
        let conditions = Preconditions(request.headers)
        if !conditions.isEmpty {
            // Conditions come before the range: a 304 or 412 never depends on it.
            let info = try await store.headObject(bucket: bucket, key: key)
            switch conditions.evaluate(etag: info.etag, lastModified: Int64(info.lastModified.timeIntervalSince1970)) {
            case .proceed: break
            case .notModified:
                return BackendResponse(
                    status: .notModified, headers: [.eTag: info.etag, .lastModified: S3DateFormat.httpDate(info.lastModified)])
            case .failed(let condition):
                throw Preconditions.failure(condition)
            }
        }
        let partNumber = try Self.partNumber(request)
        let content = try await store.getObject(bucket: bucket, key: key, range: request.headers[.range], partNumber: partNumber)
        var headers = HTTPFields()
        for (name, value) in content.info.metadata.responseHeaders {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        for (name, value) in content.info.metadata.userMetadata.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPField.Name("x-amz-meta-" + name) { headers[field] = value }
        }
        headers[.eTag] = content.info.etag
        headers[.lastModified] = S3DateFormat.httpDate(content.info.lastModified)
        headers[.acceptRanges] = "bytes"
        headers[.contentLength] = String(content.body.count)
        if partNumber != nil, let parts = content.info.partsCount {
            headers[HTTPField.Name("x-amz-mp-parts-count")!] = String(parts)
        }
        if Self.returnsChecksum(request.headers, ranged: content.range != nil) {
            Self.addChecksumHeaders(content.info.checksum, to: &headers)
        }
        var status = HTTPResponse.Status.ok
        if let range = content.range {
            status = .partialContent
            headers[.contentRange] = range.contentRange
        }
        if request.method == .head {
            return BackendResponse(status: status, headers: headers)
        }
        return BackendResponse(status: status, headers: headers, body: ResponseBody(asyncSequence: content.body))
    }

    /// Conditional writes (`If-None-Match: *` creates only, `If-Match` replaces or deletes only
    /// that version). Checked just before the write: two racing writers can both pass, which
    /// S3 itself prevents and this single-node store does not.
    private func checkWritePreconditions(_ request: BackendRequest, bucket: String, key: String) async throws {
        let conditions = Preconditions(request.headers)
        guard conditions.ifMatch != nil || conditions.ifNoneMatch != nil else { return }
        if let ifNoneMatch = conditions.ifNoneMatch, ifNoneMatch.trimmingCharacters(in: .whitespaces) != "*" {
            throw S3Error.notImplemented("If-None-Match other than * on a write")
        }
        let current: ObjectInfo?
        do {
            current = try await store.headObject(bucket: bucket, key: key)
        } catch let error as S3StoreError where error.code == "NoSuchKey" {
            if conditions.ifMatch != nil { throw S3Error("NoSuchKey", "The specified key does not exist.", status: 404, details: [("Key", key)]) }
            current = nil
        }
        let writeConditions = Preconditions(ifMatch: conditions.ifMatch, ifNoneMatch: conditions.ifNoneMatch)
        switch writeConditions.evaluate(etag: current?.etag, lastModified: nil) {
        case .proceed: return
        case .notModified(let condition), .failed(let condition): throw Preconditions.failure(condition)
        }
    }

    /// Request headers as stored metadata sees them; `aws-chunked` is framing, not a content encoding.
    static func headerPairs(_ headers: HTTPFields) -> [(name: String, value: String)] {
        headers.compactMap { field in
            guard field.name == .contentEncoding else { return (name: field.name.canonicalName, value: field.value) }
            let codings = field.value.split(separator: ",").map { $0.trimmingASCIIWhitespace() }.filter { $0 != "aws-chunked" }
            return codings.isEmpty ? nil : (name: field.name.canonicalName, value: codings.joined(separator: ","))
        }
    }

    /// `encoding-type`: absent, or `url`; anything else is refused as S3 does.
    static func urlEncoding(_ target: RequestTarget) throws -> Bool {
        switch target.parameter("encoding-type") {
        case nil: return false
        case "url": return true
        case let other?: throw S3Error.invalidArgument("Invalid Encoding Method specified in Request", name: "encoding-type", value: other)
        }
    }

    /// `?partNumber=` of a GET or HEAD: 1–10000, and never together with `Range`.
    static func partNumber(_ request: BackendRequest) throws -> Int? {
        guard let text = request.target.parameter("partNumber") else { return nil }
        guard let number = Int(text), (1...10_000).contains(number) else {
            throw S3Error.invalidArgument("Part number must be an integer between 1 and 10000, inclusive", name: "partNumber", value: text)
        }
        if request.headers[.range] != nil {
            throw S3Error.invalidRequest("Cannot specify both Range header and partNumber query parameter")
        }
        return number
    }

    static func integer(_ text: String?, name: String, default value: Int) throws -> Int {
        guard let text else { return value }
        guard let number = Int(text), number >= 0 else {
            throw S3Error.invalidArgument("Provided \(name) not an integer or within integer range", name: name, value: text)
        }
        return number
    }
}
