import HTTPTypes
import Hummingbird
import NIOCore

extension MappedBackend {
    /// The request in the backend's names: bucket and key, the copy source, and the key
    /// parameters of listings (`prefix`, `marker`, `start-after`, `key-marker`), which all
    /// move under the key prefix. Continuation tokens are the backend's own and pass unchanged.
    static func translate(_ request: BackendRequest, mapping: BucketMapping, sourceMapping: BucketMapping?) -> BackendRequest {
        let operation = request.operation
        var copySource = operation.copySource
        if let source = copySource, let sourceMapping {
            copySource = S3Operation.CopySource(
                bucket: sourceMapping.backendBucket, key: sourceMapping.backendKey(source.key), versionID: source.versionID)
        }
        let translated = S3Operation(
            name: operation.name, bucket: operation.bucket.map { _ in mapping.backendBucket }, key: operation.key.map(mapping.backendKey),
            permissions: operation.permissions, conditionValues: operation.conditionValues, copySource: copySource)
        return BackendRequest(
            operation: translated, method: request.method,
            target: translate(request.target, operation: operation.name, mapping: mapping), headers: request.headers,
            contentLength: request.contentLength, payloadSHA256: request.payloadSHA256, requestID: request.requestID,
            clientLoop: request.clientLoop)
    }

    /// Listing parameters naming keys, under the key prefix.
    static func translate(_ target: RequestTarget, operation: S3Operation.Name, mapping: BucketMapping) -> RequestTarget {
        guard !mapping.keyPrefix.isEmpty else { return target }
        let markers: Set<String>
        switch operation {
        case .listObjects: markers = ["marker"]
        case .listObjectsV2: markers = ["start-after"]
        case .listObjectVersions, .listMultipartUploads: markers = ["key-marker"]
        default: return target
        }
        var query: [(name: String, value: String?)] = []
        var sawPrefix = false
        for (name, value) in target.query {
            if name == "prefix" {
                sawPrefix = true
                query.append((name, mapping.keyPrefix + (value ?? "")))
            } else if markers.contains(name), let value, !value.isEmpty {
                query.append((name, mapping.backendKey(value)))
            } else {
                query.append((name, value))
            }
        }
        if !sawPrefix { query.append(("prefix", mapping.keyPrefix)) }
        return RequestTarget(rawPath: target.rawPath, rawQuery: target.rawQuery, query: query)
    }
}

extension RequestTarget {
    /// A target with a translated query (what a backend acts on); the raw parts stay the
    /// client's, for error messages.
    init(rawPath: Substring, rawQuery: Substring?, query: [(name: String, value: String?)]) {
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.query = query
    }
}

/// Reads a response body whole, up to a limit (translated answers only: listings, errors).
struct ResponseBodyCollector: ResponseBodyWriter {
    final class Storage: @unchecked Sendable {
        var bytes: [UInt8] = []
    }

    let storage: Storage
    let limit: Int

    mutating func write(_ buffer: ByteBuffer) async throws {
        guard storage.bytes.count + buffer.readableBytes <= limit else { throw S3Error.internalError }
        storage.bytes += buffer.readableBytesView
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}

    static func collect(_ body: ResponseBody, limit: Int) async throws -> [UInt8] {
        let storage = Storage()
        try await body.write(ResponseBodyCollector(storage: storage, limit: limit))
        return storage.bytes
    }
}
