/// Multipart upload responses.
extension S3XML {
    /// CreateMultipartUpload response.
    static func initiateMultipartUploadResult(bucket: String, key: String, uploadId: String) -> String {
        declaration + "<InitiateMultipartUploadResult xmlns=\"\(namespace)\">" + element("Bucket", bucket) + element("Key", key)
            + element("UploadId", uploadId) + "</InitiateMultipartUploadResult>"
    }

    /// CompleteMultipartUpload response. `location` is the object's URL as the client
    /// addressed it (the HTTP layer knows the host and scheme).
    static func completeMultipartUploadResult(location: String, bucket: String, key: String, etag: String) -> String {
        declaration + "<CompleteMultipartUploadResult xmlns=\"\(namespace)\">" + element("Location", location)
            + element("Bucket", bucket) + element("Key", key) + element("ETag", etag) + "</CompleteMultipartUploadResult>"
    }

    /// ListParts response.
    static func listPartsResult(bucket: String, result: ListPartsResult, owner: S3Owner = .default) -> String {
        var xml = declaration + "<ListPartsResult xmlns=\"\(namespace)\">"
        xml += element("Bucket", bucket) + element("Key", result.key) + element("UploadId", result.uploadId)
        xml += self.owner(owner, element: "Initiator") + self.owner(owner)
        xml += element("StorageClass", "STANDARD")
        xml += element("PartNumberMarker", String(result.partNumberMarker))
        if let next = result.nextPartNumberMarker { xml += element("NextPartNumberMarker", String(next)) }
        xml += element("MaxParts", String(result.maxParts))
        xml += element("IsTruncated", result.isTruncated ? "true" : "false")
        for part in result.parts {
            xml += "<Part>" + element("PartNumber", String(part.partNumber))
            xml += element("LastModified", S3DateFormat.iso8601Milliseconds(part.lastModified))
            xml += element("ETag", part.etag) + element("Size", String(part.size)) + "</Part>"
        }
        xml += "</ListPartsResult>"
        return xml
    }

    /// ListMultipartUploads response (no key/upload-id marker pagination).
    static func listMultipartUploadsResult(
        bucket: String,
        prefix: String,
        maxUploads: Int,
        uploads: [MultipartUploadInfo],
        isTruncated: Bool,
        owner: S3Owner = .default
    ) -> String {
        var xml = declaration + "<ListMultipartUploadsResult xmlns=\"\(namespace)\">"
        xml += element("Bucket", bucket) + "<KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>"
        if isTruncated, let last = uploads.last {
            xml += element("NextKeyMarker", last.key) + element("NextUploadIdMarker", last.uploadId)
        }
        xml += element("Prefix", prefix) + element("MaxUploads", String(maxUploads))
        xml += element("IsTruncated", isTruncated ? "true" : "false")
        for upload in uploads {
            xml += "<Upload>" + element("Key", upload.key) + element("UploadId", upload.uploadId)
            xml += self.owner(owner, element: "Initiator") + self.owner(owner) + element("StorageClass", "STANDARD")
            xml += element("Initiated", S3DateFormat.iso8601Milliseconds(upload.initiated)) + "</Upload>"
        }
        xml += "</ListMultipartUploadsResult>"
        return xml
    }
}
