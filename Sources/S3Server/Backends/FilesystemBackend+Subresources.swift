import HTTPTypes
import Shared

/// The sub-resource operations the filesystem store can answer honestly. It has no versioning,
/// no ACLs beyond its single owner, and keeps no tags or configurations, so every other
/// sub-resource is `NotImplemented` (never a pretended success, which a client would believe).
extension FilesystemBackend {
    func performSubresource(_ request: BackendRequest) async throws -> BackendResponse {
        let operation = request.operation
        let bucket = operation.bucket ?? ""
        let key = operation.key ?? ""
        switch operation.name {
        case .listObjectVersions:
            return try await listVersions(request, bucket: bucket)
        case .getBucketVersioning:
            try await store.headBucket(bucket)
            return .xml(S3XML.versioningConfiguration())
        case .getBucketAcl:
            try await store.headBucket(bucket)
            return .xml(S3XML.accessControlPolicy(owner: store.owner))
        case .getObjectAcl:
            try Self.requireNullVersion(request)
            _ = try await store.headObject(bucket: bucket, key: key)
            return .xml(S3XML.accessControlPolicy(owner: store.owner))
        case .getObjectAttributes:
            try Self.requireNullVersion(request)
            let requested = Set(
                (request.headers[HTTPField.Name("x-amz-object-attributes")!] ?? "")
                    .split(separator: ",").map { String($0.trimmingASCIIWhitespace()) })
            guard !requested.isEmpty else {
                throw S3Error.invalidArgument("Invalid attribute name specified.", name: "x-amz-object-attributes", value: "")
            }
            let info = try await store.headObject(bucket: bucket, key: key)
            var response = BackendResponse.xml(S3XML.objectAttributes(info, requested: requested))
            response.headers[.lastModified] = S3DateFormat.httpDate(info.lastModified)
            return response
        default:
            throw S3Error.notImplemented("\(operation.name.rawValue) on the filesystem backend")
        }
    }

    /// ListObjectVersions over the ordinary listing: `key-marker` is the listing marker, and the
    /// only version id there is, `null`, may accompany it.
    private func listVersions(_ request: BackendRequest, bucket: String) async throws -> BackendResponse {
        let target = request.target
        var listRequest = ListObjectsRequest()
        listRequest.prefix = target.parameter("prefix") ?? ""
        listRequest.delimiter = target.parameter("delimiter")
        listRequest.maxKeys = try Self.integer(target.parameter("max-keys"), name: "max-keys", default: 1000)
        listRequest.startAfter = target.parameter("key-marker").flatMap { $0.isEmpty ? nil : $0 }
        if let versionMarker = target.parameter("version-id-marker"), !versionMarker.isEmpty {
            guard listRequest.startAfter != nil else {
                throw S3Error.invalidArgument(
                    "A version-id marker cannot be specified without a key marker.", name: "version-id-marker", value: versionMarker)
            }
            guard versionMarker == "null" else {
                throw S3Error.invalidArgument("Invalid version id specified", name: "version-id-marker", value: versionMarker)
            }
        }
        let urlEncoded = try Self.urlEncoding(target)
        let result = try await store.listObjects(bucket: bucket, listRequest)
        return .xml(
            S3XML.listVersionsResult(bucket: bucket, request: listRequest, result: result, urlEncoded: urlEncoded, owner: store.owner))
    }

    /// Each key has one version, `null`; any other version id names nothing.
    private static func requireNullVersion(_ request: BackendRequest) throws {
        if let version = request.target.parameter("versionId"), version != "null" {
            throw S3Error("NoSuchVersion", "The specified version does not exist.", status: 404, details: [
                ("Key", request.operation.key ?? ""), ("VersionId", version),
            ])
        }
    }
}
