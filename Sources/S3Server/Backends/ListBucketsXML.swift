import Shared

/// `ListAllMyBucketsResult`, merged across backends.
enum ListBucketsXML {
    static func render(_ buckets: [BucketSummary], ownerID: String) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        xml += "<Owner><ID>\(ownerID)</ID><DisplayName>\(ownerID)</DisplayName></Owner><Buckets>"
        for bucket in buckets {
            xml += "<Bucket><Name>\(bucket.name.xmlEscaped)</Name><CreationDate>\(ISO8601.milliseconds(bucket.creationDate))</CreationDate></Bucket>"
        }
        return xml + "</Buckets></ListAllMyBucketsResult>"
    }
}
