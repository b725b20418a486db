/// Sub-resource answers of the filesystem backend: what an unversioned, single-owner store can
/// say truthfully about versions, versioning, ACLs and object attributes.
extension S3XML {
    /// `ListVersionsResult` for ListObjectVersions. The store keeps one version per key, which is
    /// S3's `null` version of a bucket that never had versioning: every entry is `IsLatest`.
    ///
    /// With `encoding-type=url`, `Key`, `Prefix`, `Delimiter`, `KeyMarker` and `NextKeyMarker`
    /// are percent-encoded, as in `ListBucketResult`.
    static func listVersionsResult(
        bucket: String, request: ListObjectsRequest, result: ListObjectsResult, urlEncoded: Bool, owner: S3Owner
    ) -> String {
        let field: (String) -> String = urlEncoded ? { S3XML.urlEncode($0) } : { $0 }
        var xml = declaration + "<ListVersionsResult xmlns=\"\(namespace)\">"
        xml += element("Name", bucket)
        xml += element("Prefix", field(request.prefix))
        xml += element("KeyMarker", field(request.startAfter ?? ""))
        xml += element("VersionIdMarker", request.startAfter == nil ? "" : "null")
        if result.isTruncated, let next = result.nextMarker {
            xml += element("NextKeyMarker", field(next))
            xml += element("NextVersionIdMarker", "null")
        }
        xml += element("MaxKeys", String(result.maxKeys))
        if let delimiter = request.delimiter, !delimiter.isEmpty { xml += element("Delimiter", field(delimiter)) }
        xml += element("IsTruncated", result.isTruncated ? "true" : "false")
        if urlEncoded { xml += element("EncodingType", "url") }
        for object in result.objects {
            xml += "<Version>"
            xml += element("Key", field(object.key))
            xml += element("VersionId", "null")
            xml += element("IsLatest", "true")
            xml += element("LastModified", S3DateFormat.iso8601Milliseconds(object.lastModified))
            xml += element("ETag", object.etag)
            xml += element("Size", String(object.size))
            xml += element("StorageClass", "STANDARD")
            xml += self.owner(owner)
            xml += "</Version>"
        }
        for prefix in result.commonPrefixes {
            xml += "<CommonPrefixes>" + element("Prefix", field(prefix)) + "</CommonPrefixes>"
        }
        xml += "</ListVersionsResult>"
        return xml
    }

    /// GetBucketVersioning of a bucket whose versioning was never enabled: no `Status` at all
    /// (S3 answers `Suspended` only once versioning has been turned on and off again).
    static func versioningConfiguration() -> String {
        declaration + "<VersioningConfiguration xmlns=\"\(namespace)\"/>"
    }

    /// The only ACL the store has: its single owner with `FULL_CONTROL` (S3's `private` canned ACL).
    static func accessControlPolicy(owner: S3Owner) -> String {
        var xml = declaration + "<AccessControlPolicy xmlns=\"\(namespace)\">"
        xml += self.owner(owner)
        xml += "<AccessControlList><Grant>"
        xml += "<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">"
        xml += element("ID", owner.id) + element("DisplayName", owner.displayName)
        xml += "</Grantee>"
        xml += element("Permission", "FULL_CONTROL")
        xml += "</Grant></AccessControlList></AccessControlPolicy>"
        return xml
    }

    /// GetObjectAttributes: only the attributes asked for (`x-amz-object-attributes`), and only
    /// those the store knows. `Checksum` appears only for an object stored with one (a composite
    /// value without its `-N` suffix, as S3 writes it here); the ETag is unquoted here, as in S3.
    static func objectAttributes(_ info: ObjectInfo, requested: Set<String>) -> String {
        var xml = declaration + "<GetObjectAttributesResponse xmlns=\"\(namespace)\">"
        if requested.contains("ETag") {
            var etag = Substring(info.etag)
            if etag.hasPrefix("\""), etag.hasSuffix("\""), etag.count >= 2 { etag = etag.dropFirst().dropLast() }
            xml += element("ETag", String(etag))
        }
        if requested.contains("Checksum"), let checksum = info.checksum {
            xml += "<Checksum>" + element(checksum.elementName, checksum.valueWithoutPartCount)
            xml += element("ChecksumType", checksum.type.rawValue) + "</Checksum>"
        }
        if requested.contains("ObjectParts"), let parts = info.partsCount {
            // The wire name is `PartsCount` (SDKs call it TotalPartsCount).
            xml += "<ObjectParts>" + element("PartsCount", String(parts)) + "</ObjectParts>"
        }
        if requested.contains("StorageClass") { xml += element("StorageClass", "STANDARD") }
        if requested.contains("ObjectSize") { xml += element("ObjectSize", String(info.size)) }
        xml += "</GetObjectAttributesResponse>"
        return xml
    }
}
