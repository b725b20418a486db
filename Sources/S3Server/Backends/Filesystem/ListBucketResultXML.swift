/// `ListBucketResult` for ListObjects (V1) and ListObjectsV2.
///
/// With `encoding-type=url` S3 percent-encodes every field that can carry a key fragment
/// (`Key`, `Prefix`, `Delimiter`, `Marker`, `NextMarker`, `StartAfter`) and adds
/// `<EncodingType>url</EncodingType>`, so keys with characters XML 1.0 cannot hold survive.
/// Continuation tokens are ours and base64, so never encoded.
extension S3XML {
    /// ListObjects V1.
    ///
    /// `NextMarker` is sent only when truncated *and* a delimiter was given (as S3 does; without a
    /// delimiter clients continue from the last `Key`).
    static func listBucketResultV1(
        bucket: String,
        request: ListObjectsRequest,
        result: ListObjectsResult,
        urlEncoded: Bool = false,
        owner: S3Owner = .default
    ) -> String {
        let field = fieldEncoder(urlEncoded)
        var xml = declaration + "<ListBucketResult xmlns=\"\(namespace)\">"
        xml += element("Name", bucket)
        xml += element("Prefix", field(request.prefix))
        xml += element("Marker", field(request.startAfter ?? ""))
        let delimiter = request.delimiter.flatMap { $0.isEmpty ? nil : $0 }
        if delimiter != nil, result.isTruncated, let next = result.nextMarker {
            xml += element("NextMarker", field(next))
        }
        xml += element("MaxKeys", String(result.maxKeys))
        if let delimiter { xml += element("Delimiter", field(delimiter)) }
        xml += element("IsTruncated", result.isTruncated ? "true" : "false")
        if urlEncoded { xml += element("EncodingType", "url") }
        xml += contents(result, field: field, owner: owner)
        xml += "</ListBucketResult>"
        return xml
    }

    /// ListObjectsV2. `Owner` appears in `Contents` only with `fetch-owner=true`, as in S3.
    static func listBucketResultV2(
        bucket: String,
        request: ListObjectsRequest,
        result: ListObjectsResult,
        urlEncoded: Bool = false,
        fetchOwner: Bool = false,
        owner: S3Owner = .default
    ) -> String {
        let field = fieldEncoder(urlEncoded)
        var xml = declaration + "<ListBucketResult xmlns=\"\(namespace)\">"
        xml += element("Name", bucket)
        xml += element("Prefix", field(request.prefix))
        if let token = request.continuationToken { xml += element("ContinuationToken", token) }
        if result.isTruncated, let next = result.nextContinuationToken { xml += element("NextContinuationToken", next) }
        xml += element("KeyCount", String(result.keyCount))
        xml += element("MaxKeys", String(result.maxKeys))
        if let delimiter = request.delimiter, !delimiter.isEmpty { xml += element("Delimiter", field(delimiter)) }
        xml += element("IsTruncated", result.isTruncated ? "true" : "false")
        if urlEncoded { xml += element("EncodingType", "url") }
        if let startAfter = request.startAfter { xml += element("StartAfter", field(startAfter)) }
        xml += contents(result, field: field, owner: fetchOwner ? owner : nil)
        xml += "</ListBucketResult>"
        return xml
    }

    private static func fieldEncoder(_ urlEncoded: Bool) -> (String) -> String {
        urlEncoded ? { S3XML.urlEncode($0) } : { $0 }
    }

    private static func contents(_ result: ListObjectsResult, field: (String) -> String, owner: S3Owner?) -> String {
        var xml = ""
        for object in result.objects {
            xml += "<Contents>"
            xml += element("Key", field(object.key))
            xml += element("LastModified", S3DateFormat.iso8601Milliseconds(object.lastModified))
            xml += element("ETag", object.etag)
            if let checksum = object.checksum {
                xml += element("ChecksumAlgorithm", checksum.algorithmName.uppercased())
                xml += element("ChecksumType", checksum.type.rawValue)
            }
            xml += element("Size", String(object.size))
            xml += element("StorageClass", "STANDARD")
            if let owner { xml += self.owner(owner) }
            xml += "</Contents>"
        }
        for prefix in result.commonPrefixes {
            xml += "<CommonPrefixes>" + element("Prefix", field(prefix)) + "</CommonPrefixes>"
        }
        return xml
    }
}
