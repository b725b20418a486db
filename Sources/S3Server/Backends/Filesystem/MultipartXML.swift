import Shared

/// Multipart upload responses.
extension S3XML {
    /// CreateMultipartUpload response.
    static func initiateMultipartUploadResult(bucket: String, key: String, uploadId: String) -> String {
        declaration + "<InitiateMultipartUploadResult xmlns=\"\(namespace)\">" + element("Bucket", bucket) + element("Key", key)
            + element("UploadId", uploadId) + "</InitiateMultipartUploadResult>"
    }

    /// CompleteMultipartUpload response. `location` is the object's URL as the client
    /// addressed it (the HTTP layer knows the host and scheme).
    static func completeMultipartUploadResult(
        location: String, bucket: String, key: String, etag: String, checksum: ObjectChecksum? = nil
    ) -> String {
        var xml = declaration + "<CompleteMultipartUploadResult xmlns=\"\(namespace)\">" + element("Location", location)
        xml += element("Bucket", bucket) + element("Key", key) + element("ETag", etag)
        if let checksum { xml += element(checksum.elementName, checksum.value) + element("ChecksumType", checksum.type.rawValue) }
        return xml + "</CompleteMultipartUploadResult>"
    }

    /// ListParts response; with `encoding-type=url` the `Key` is percent-encoded.
    static func listPartsResult(bucket: String, result: ListPartsResult, urlEncoded: Bool = false, owner: S3Owner = .default) -> String {
        var xml = declaration + "<ListPartsResult xmlns=\"\(namespace)\">"
        xml += element("Bucket", bucket) + element("Key", urlEncoded ? urlEncode(result.key) : result.key) + element("UploadId", result.uploadId)
        xml += self.owner(owner, element: "Initiator") + self.owner(owner)
        xml += element("StorageClass", "STANDARD")
        if let checksum = result.checksum {
            xml += element("ChecksumAlgorithm", checksum.algorithm.sdkName) + element("ChecksumType", checksum.type.rawValue)
        }
        xml += element("PartNumberMarker", String(result.partNumberMarker))
        if let next = result.nextPartNumberMarker { xml += element("NextPartNumberMarker", String(next)) }
        xml += element("MaxParts", String(result.maxParts))
        xml += element("IsTruncated", result.isTruncated ? "true" : "false")
        for part in result.parts {
            xml += "<Part>" + element("PartNumber", String(part.partNumber))
            xml += element("LastModified", S3DateFormat.iso8601Milliseconds(part.lastModified))
            xml += element("ETag", part.etag) + element("Size", String(part.size))
            if let checksum = part.checksum { xml += element(checksum.elementName, checksum.value) }
            xml += "</Part>"
        }
        xml += "</ListPartsResult>"
        return xml
    }

    /// ListMultipartUploads response. With `encoding-type=url`, `Key`, `Prefix`, `Delimiter`,
    /// `KeyMarker` and `NextKeyMarker` are percent-encoded, as in `ListBucketResult`.
    static func listMultipartUploadsResult(
        bucket: String,
        request: ListUploadsRequest,
        result: ListUploadsResult,
        urlEncoded: Bool = false,
        owner: S3Owner = .default
    ) -> String {
        let field: (String) -> String = urlEncoded ? { S3XML.urlEncode($0) } : { $0 }
        var xml = declaration + "<ListMultipartUploadsResult xmlns=\"\(namespace)\">"
        xml += element("Bucket", bucket)
        xml += element("KeyMarker", field(request.keyMarker ?? "")) + element("UploadIdMarker", request.uploadIdMarker ?? "")
        if let next = result.nextKeyMarker { xml += element("NextKeyMarker", field(next)) }
        xml += element("Prefix", field(request.prefix))
        if let delimiter = request.delimiter, !delimiter.isEmpty { xml += element("Delimiter", field(delimiter)) }
        if result.isTruncated { xml += element("NextUploadIdMarker", result.nextUploadIdMarker ?? "") }
        xml += element("MaxUploads", String(result.maxUploads))
        xml += element("IsTruncated", result.isTruncated ? "true" : "false")
        for upload in result.uploads {
            xml += "<Upload>" + element("Key", field(upload.key)) + element("UploadId", upload.uploadId)
            xml += self.owner(owner, element: "Initiator") + self.owner(owner) + element("StorageClass", "STANDARD")
            if let checksum = upload.checksum {
                xml += element("ChecksumAlgorithm", checksum.algorithm.sdkName) + element("ChecksumType", checksum.type.rawValue)
            }
            xml += element("Initiated", S3DateFormat.iso8601Milliseconds(upload.initiated)) + "</Upload>"
        }
        for prefix in result.commonPrefixes {
            xml += "<CommonPrefixes>" + element("Prefix", field(prefix)) + "</CommonPrefixes>"
        }
        if urlEncoded { xml += element("EncodingType", "url") }
        xml += "</ListMultipartUploadsResult>"
        return xml
    }
}
