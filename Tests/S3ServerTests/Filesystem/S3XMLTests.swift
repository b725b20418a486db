import Foundation
import NIOCore
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import S3Server

@Suite("S3 XML rendering and parsing")
struct S3XMLTests {
    static let date = Date(timeIntervalSince1970: 1_255_369_830.123)  // 2009-10-12T17:50:30.123Z, a Monday

    static func object(_ key: String, size: Int64 = 5) -> ObjectInfo {
        ObjectInfo(key: key, size: size, etag: "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"", lastModified: date, metadata: .init(), partsCount: nil)
    }

    /// The text of every `name` element, decoded by a real XML parser.
    static func texts(of name: String, in xml: String) throws -> [String] {
        final class Collector: NSObject, XMLParserDelegate {
            let name: String
            var values: [String] = []
            var current: String?
            init(name: String) { self.name = name }
            func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
                if elementName == name { current = "" }
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }
            func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
                if elementName == name, let current { values.append(current) }
                current = nil
            }
        }
        let collector = Collector(name: name)
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = collector
        try #require(parser.parse(), "not well-formed: \(xml)")
        return collector.values
    }

    @Test func dates() {
        #expect(S3DateFormat.iso8601Milliseconds(Self.date) == "2009-10-12T17:50:30.123Z")
        #expect(S3DateFormat.iso8601Milliseconds(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(S3DateFormat.httpDate(Self.date) == "Mon, 12 Oct 2009 17:50:30 GMT")
        #expect(S3DateFormat.httpDate(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 GMT")
    }

    @Test func escaping() {
        #expect(S3XML.escape("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&apos;f")
        #expect(S3XML.escape("line\r\nnext\u{1}") == "line&#13;&#10;next&#x1;")
        #expect(S3XML.escape("plain/ключ") == "plain/ключ")
        #expect(S3XML.urlEncode("a b+c/é&~") == "a%20b%2Bc/%C3%A9%26~")
    }

    @Test func listAllMyBuckets() {
        let xml = S3XML.listAllMyBuckets([BucketInfo(name: "alpha", creationDate: Self.date)], owner: S3Owner(id: "id1", displayName: "me"))
        #expect(
            xml == """
                <?xml version="1.0" encoding="UTF-8"?>
                <ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>id1</ID><DisplayName>me</DisplayName></Owner>\
                <Buckets><Bucket><Name>alpha</Name><CreationDate>2009-10-12T17:50:30.123Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>
                """
        )
    }

    @Test func listV1EscapesKeysAndShowsNextMarkerOnlyWithDelimiter() throws {
        let key = "a&b<c>d\"e'f"
        let result = ListObjectsResult(objects: [Self.object(key)], commonPrefixes: ["p&q/"], isTruncated: true, nextMarker: "p&q/", maxKeys: 2)
        let request = ListObjectsRequest(prefix: "", delimiter: "/", maxKeys: 2, startAfter: "m")
        let owner = S3Owner(id: "id1", displayName: "me")
        let xml = S3XML.listBucketResultV1(bucket: "bucket", request: request, result: result, owner: owner)
        #expect(
            xml == """
                <?xml version="1.0" encoding="UTF-8"?>
                <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><Prefix></Prefix><Marker>m</Marker>\
                <NextMarker>p&amp;q/</NextMarker><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>\
                <Contents><Key>a&amp;b&lt;c&gt;d&quot;e&apos;f</Key><LastModified>2009-10-12T17:50:30.123Z</LastModified>\
                <ETag>&quot;5eb63bbbe01eeed093cb22bb8f5acdc3&quot;</ETag><Size>5</Size><StorageClass>STANDARD</StorageClass>\
                <Owner><ID>id1</ID><DisplayName>me</DisplayName></Owner></Contents>\
                <CommonPrefixes><Prefix>p&amp;q/</Prefix></CommonPrefixes></ListBucketResult>
                """
        )
        #expect(try Self.texts(of: "Key", in: xml) == [key])
        #expect(try Self.texts(of: "ETag", in: xml) == ["\"5eb63bbbe01eeed093cb22bb8f5acdc3\""])

        let noDelimiter = S3XML.listBucketResultV1(bucket: "bucket", request: ListObjectsRequest(maxKeys: 2), result: result)
        #expect(!noDelimiter.contains("<NextMarker>"))
        #expect(!noDelimiter.contains("<Delimiter>"))
    }

    @Test func listV2ShapeAndURLEncoding() throws {
        let key = "dir/a b+c&é"
        let result = ListObjectsResult(objects: [Self.object(key)], commonPrefixes: ["dir/sub dir/"], isTruncated: true, nextMarker: "dir/sub dir/", maxKeys: 2)
        let request = ListObjectsRequest(prefix: "dir/", delimiter: "/", maxKeys: 2, startAfter: "dir/0 0", continuationToken: "dG9rZW4=")
        let xml = S3XML.listBucketResultV2(bucket: "bucket", request: request, result: result, urlEncoded: true)
        #expect(
            xml == """
                <?xml version="1.0" encoding="UTF-8"?>
                <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><Prefix>dir/</Prefix>\
                <ContinuationToken>dG9rZW4=</ContinuationToken><NextContinuationToken>ZGlyL3N1YiBkaXIv</NextContinuationToken>\
                <KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>\
                <EncodingType>url</EncodingType><StartAfter>dir/0%200</StartAfter>\
                <Contents><Key>dir/a%20b%2Bc%26%C3%A9</Key><LastModified>2009-10-12T17:50:30.123Z</LastModified>\
                <ETag>&quot;5eb63bbbe01eeed093cb22bb8f5acdc3&quot;</ETag><Size>5</Size><StorageClass>STANDARD</StorageClass></Contents>\
                <CommonPrefixes><Prefix>dir/sub%20dir/</Prefix></CommonPrefixes></ListBucketResult>
                """
        )
        #expect(try Self.texts(of: "Key", in: xml).map { $0.removingPercentEncoding } == [key])
        let plain = S3XML.listBucketResultV2(bucket: "bucket", request: ListObjectsRequest(), result: result, fetchOwner: true)
        #expect(plain.contains("<Owner><ID>"))
        #expect(!plain.contains("<EncodingType>"))
        #expect(try Self.texts(of: "Key", in: plain) == [key])
    }

    @Test func multipartResponses() throws {
        #expect(
            S3XML.initiateMultipartUploadResult(bucket: "b", key: "k&1", uploadId: "u1")
                == """
                <?xml version="1.0" encoding="UTF-8"?>
                <InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><Key>k&amp;1</Key>\
                <UploadId>u1</UploadId></InitiateMultipartUploadResult>
                """
        )
        #expect(
            S3XML.completeMultipartUploadResult(location: "http://h/b/k", bucket: "b", key: "k", etag: "\"abc-2\"")
                == """
                <?xml version="1.0" encoding="UTF-8"?>
                <CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>http://h/b/k</Location>\
                <Bucket>b</Bucket><Key>k</Key><ETag>&quot;abc-2&quot;</ETag></CompleteMultipartUploadResult>
                """
        )
        let parts = ListPartsResult(
            key: "k", uploadId: "u1", parts: [PartInfo(partNumber: 1, etag: "\"e1\"", size: 10, lastModified: Self.date)],
            partNumberMarker: 0, nextPartNumberMarker: 1, maxParts: 1, isTruncated: true, initiated: Self.date)
        let xml = S3XML.listPartsResult(bucket: "b", result: parts)
        #expect(try Self.texts(of: "PartNumber", in: xml) == ["1"])
        #expect(try Self.texts(of: "NextPartNumberMarker", in: xml) == ["1"])
        #expect(try Self.texts(of: "ETag", in: xml) == ["\"e1\""])
        let uploads = S3XML.listMultipartUploadsResult(
            bucket: "b", request: ListUploadsRequest(),
            result: ListUploadsResult(
                uploads: [MultipartUploadInfo(key: "k<", uploadId: "u1", initiated: Self.date)], isTruncated: false, maxUploads: 1000))
        #expect(try Self.texts(of: "Key", in: uploads) == ["k<"])
        #expect(try Self.texts(of: "Initiated", in: uploads) == ["2009-10-12T17:50:30.123Z"])
        let encoded = S3XML.listMultipartUploadsResult(
            bucket: "b", request: ListUploadsRequest(prefix: "a b/", delimiter: "/", keyMarker: "a b/é"),
            result: ListUploadsResult(
                uploads: [MultipartUploadInfo(key: "a b/k\u{1}", uploadId: "u1", initiated: Self.date)], commonPrefixes: ["a b/c d/"],
                isTruncated: true, nextKeyMarker: "a b/k\u{1}", nextUploadIdMarker: "u1", maxUploads: 1),
            urlEncoded: true)
        #expect(try Self.texts(of: "Key", in: encoded) == ["a%20b/k%01"])
        #expect(try Self.texts(of: "KeyMarker", in: encoded) == ["a%20b/%C3%A9"])
        #expect(try Self.texts(of: "NextKeyMarker", in: encoded) == ["a%20b/k%01"])
        #expect(try Self.texts(of: "NextUploadIdMarker", in: encoded) == ["u1"])
        #expect(try Self.texts(of: "Prefix", in: encoded) == ["a%20b/", "a%20b/c%20d/"])
        #expect(try Self.texts(of: "EncodingType", in: encoded) == ["url"])
    }
}

@Suite("CompleteMultipartUpload request body")
struct CompleteMultipartUploadRequestTests {
    @Test func parsesPartsAndKeepsChecksums() throws {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Part><ETag>"a54357aff0632cce46d942af68356b38"</ETag><PartNumber>1</PartNumber><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>
              <Part>
                <PartNumber> 2 </PartNumber>
                <ETag>&quot;0c78aef83f66abc1fa1e8477f296d394&quot;</ETag>
              </Part>
            </CompleteMultipartUpload>
            """
        let request = try CompleteMultipartUploadRequest(parsing: ByteBuffer(string: body))
        #expect(
            request.parts == [
                CompletedPart(
                    partNumber: 1, etag: "\"a54357aff0632cce46d942af68356b38\"", checksum: ObjectChecksum(algorithm: .crc32, value: "AAAAAA==")),
                CompletedPart(partNumber: 2, etag: "\"0c78aef83f66abc1fa1e8477f296d394\""),
            ])
    }

    @Test(arguments: [
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>",  // not well-formed
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>",  // cut short after a whole part
        "<CompleteMultipartUpload></CompleteMultipartUpload>",  // no parts
        "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>",
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
        "<Other><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part></Other>",
        "<!DOCTYPE x [<!ENTITY a \"b\">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&a;</ETag></Part></CompleteMultipartUpload>",
        "",
    ])
    func malformed(_ body: String) {
        #expect(throws: S3StoreError.malformedXML) { try CompleteMultipartUploadRequest(parsing: ByteBuffer(string: body)) }
    }

    @Test func sizeLimit() {
        let body = "<CompleteMultipartUpload>" + String(repeating: "<Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>", count: 100) + "</CompleteMultipartUpload>"
        #expect(throws: Never.self) { try CompleteMultipartUploadRequest(parsing: ByteBuffer(string: body)) }
        do throws(S3StoreError) {
            _ = try CompleteMultipartUploadRequest(parsing: ByteBuffer(string: body), maximumSize: 1000)
            Issue.record("expected InvalidRequest")
        } catch {
            #expect(error.code == "InvalidRequest")
        }
    }
}
