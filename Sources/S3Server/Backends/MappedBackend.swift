import HTTPTypes
import Hummingbird
import NIOCore

/// A backend seen through a bucket mapping (renamed bucket, key prefix): the request's bucket,
/// key, copy source and listing parameters are translated to the backend's names, and the
/// names in the answer back to the client's. Authorisation happened before, on the client's
/// names; the wrapped backend only ever sees its own.
struct MappedBackend: S3Backend {
    let base: any S3Backend
    let mapping: BucketMapping
    /// The copy source's mapping (same backend, possibly another client bucket).
    let sourceMapping: BucketMapping?

    var name: String { base.name }

    /// Listing answers are small (1000 keys of at most 1 KiB); anything larger is refused
    /// rather than buffered.
    static let maximumTranslatedBody = 16 * 1024 * 1024

    /// `base` itself when neither mapping changes a name.
    static func wrap(_ base: any S3Backend, mapping: BucketMapping, sourceMapping: BucketMapping?) -> any S3Backend {
        if mapping.isIdentity && (sourceMapping?.isIdentity ?? true) { return base }
        return MappedBackend(base: base, mapping: mapping, sourceMapping: sourceMapping)
    }

    func handle(_ request: BackendRequest, body: BackendRequestBody) async throws -> BackendResponse {
        let operation = request.operation
        var response = try await base.handle(Self.translate(request, mapping: mapping, sourceMapping: sourceMapping), body: body)
        if let location = response.headers[.location], location == "/" + mapping.backendBucket {
            response.headers[.location] = "/" + mapping.clientBucket
        }
        // Error bodies too (NoSuchKey names the key, redirects the bucket); a 304 has no body.
        let isError = response.status.code >= 300 && response.status.code != 304
        guard request.method != .head, Self.rewritesAnswer(operation.name) || isError else { return response }
        let translator = ResponseTranslator(
            mapping: mapping, urlEncodedKeys: request.target.parameter("encoding-type")?.lowercased() == "url",
            clientResource: String(request.target.rawPath), clientKey: operation.key)
        let original = try await ResponseBodyCollector.collect(response.body, limit: Self.maximumTranslatedBody)
        let translated = translator.translate(original)
        response.headers[.contentLength] = String(translated.count)
        response.headers[HTTPField.Name("Content-MD5")!] = nil
        response.body = ResponseBody(byteBuffer: ByteBuffer(bytes: translated))
        return response
    }

    func deleteObjects(
        bucket: String, objects: [DeleteObjectsRequest.Object], request: BackendRequest
    ) async throws -> [DeleteObjectsResult.Entry] {
        let translated = objects.map { DeleteObjectsRequest.Object(key: mapping.backendKey($0.key), versionID: $0.versionID) }
        let entries = try await base.deleteObjects(
            bucket: mapping.backendBucket, objects: translated,
            request: Self.translate(request, mapping: mapping, sourceMapping: sourceMapping))
        return entries.map { entry in
            DeleteObjectsResult.Entry(key: mapping.clientKey(entry.key) ?? entry.key, versionID: entry.versionID, outcome: entry.outcome)
        }
    }

    func listBuckets() async throws -> [BucketSummary] { try await base.listBuckets() }

    /// Answers that name the bucket or keys in their body.
    static func rewritesAnswer(_ name: S3Operation.Name) -> Bool {
        switch name {
        case .listObjects, .listObjectsV2, .listObjectVersions, .listMultipartUploads, .listParts, .createMultipartUpload,
            .completeMultipartUpload:
            true
        default: false
        }
    }
}
