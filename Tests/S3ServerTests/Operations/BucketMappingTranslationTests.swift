import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import S3Server

/// Requests translated to the backend's names and answers translated back.
@Suite struct BucketMappingTranslationTests {
    static let mapping = BucketMapping(clientBucket: "team-a", backendBucket: "corp-team-a", keyPrefix: "portcullis/")

    static func request(
        _ name: S3Operation.Name, key: String? = nil, target: String, copySource: S3Operation.CopySource? = nil
    ) throws -> BackendRequest {
        BackendRequest(
            operation: S3Operation(
                name: name, bucket: "team-a", key: key, permissions: [], conditionValues: [:], copySource: copySource),
            method: .get, target: try RequestTarget(target), headers: [:], contentLength: nil, payloadSHA256: nil, requestID: "r")
    }

    static func pairs(_ target: RequestTarget) -> [String] { target.query.map { "\($0.name)=\($0.value ?? "")" } }

    @Test(arguments: [
        (S3Operation.Name.listObjectsV2, "/team-a?list-type=2&prefix=a/&start-after=a/b&continuation-token=tok",
         ["list-type=2", "prefix=portcullis/a/", "start-after=portcullis/a/b", "continuation-token=tok"]),
        (.listObjectsV2, "/team-a?list-type=2&delimiter=/", ["list-type=2", "delimiter=/", "prefix=portcullis/"]),
        (.listObjectsV2, "/team-a?list-type=2&start-after=", ["list-type=2", "start-after=", "prefix=portcullis/"]),
        (.listObjects, "/team-a?marker=k1&prefix=", ["marker=portcullis/k1", "prefix=portcullis/"]),
        (.listObjectVersions, "/team-a?versions&key-marker=k&version-id-marker=v",
         ["versions=", "key-marker=portcullis/k", "version-id-marker=v", "prefix=portcullis/"]),
        (.listMultipartUploads, "/team-a?uploads&key-marker=k&upload-id-marker=u",
         ["uploads=", "key-marker=portcullis/k", "upload-id-marker=u", "prefix=portcullis/"]),
        (.getObject, "/team-a/k?prefix=x&versionId=1", ["prefix=x", "versionId=1"]),
    ] as [(S3Operation.Name, String, [String])])
    func listingParametersMoveUnderThePrefix(operation: S3Operation.Name, target: String, expected: [String]) throws {
        let translated = MappedBackend.translate(try Self.request(operation, target: target), mapping: Self.mapping, sourceMapping: nil)
        #expect(Self.pairs(translated.target) == expected)
        #expect(translated.operation.bucket == "corp-team-a")
    }

    @Test func objectKeyAndCopySourceAreTranslated() throws {
        let source = BucketMapping(clientBucket: "team-b", backendBucket: "corp-team-b", keyPrefix: "b/")
        let request = try Self.request(
            .copyObject, key: "dst/k", target: "/team-a/dst/k", copySource: S3Operation.CopySource(bucket: "team-b", key: "src k", versionID: "v1"))
        let translated = MappedBackend.translate(request, mapping: Self.mapping, sourceMapping: source)
        #expect(translated.operation.key == "portcullis/dst/k")
        #expect(translated.operation.copySource == S3Operation.CopySource(bucket: "corp-team-b", key: "b/src k", versionID: "v1"))
        // Policies were evaluated before: the permissions keep the client's names.
        #expect(translated.operation.permissions == request.operation.permissions)
    }

    static func translate(_ xml: String, encoded: Bool = false, key: String? = nil, resource: String? = nil) -> String {
        let translator = ResponseTranslator(mapping: mapping, urlEncodedKeys: encoded, clientResource: resource, clientKey: key)
        return String(decoding: translator.translate(Array(xml.utf8)), as: UTF8.self)
    }

    @Test func listObjectsV2AnswerIsTranslated() {
        let backend = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>corp-team-a</Name><Prefix>portcullis/a/</Prefix>\
            <StartAfter>portcullis/a/0</StartAfter><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>\
            <NextContinuationToken>portcullis/a/x</NextContinuationToken>\
            <Contents><Key>portcullis/a/1 &amp; 2.txt</Key><ETag>&quot;abc&quot;</ETag><Size>3</Size></Contents>\
            <CommonPrefixes><Prefix>portcullis/a/sub/</Prefix></CommonPrefixes></ListBucketResult>
            """
        let expected = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>team-a</Name><Prefix>a/</Prefix>\
            <StartAfter>a/0</StartAfter><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>\
            <NextContinuationToken>portcullis/a/x</NextContinuationToken>\
            <Contents><Key>a/1 &amp; 2.txt</Key><ETag>&quot;abc&quot;</ETag><Size>3</Size></Contents>\
            <CommonPrefixes><Prefix>a/sub/</Prefix></CommonPrefixes></ListBucketResult>
            """
        #expect(Self.translate(backend) == expected)
    }

    @Test func prefixWithoutClientPrefixBecomesEmpty() {
        #expect(Self.translate("<R><Prefix>portcullis/</Prefix><Prefix></Prefix><Prefix/></R>") == "<R><Prefix></Prefix><Prefix></Prefix><Prefix/></R>")
    }

    /// `encoding-type=url`: the prefix is stripped whichever way the backend encoded it.
    @Test(arguments: [
        ("portcullis%2Fa%20b.txt", "a%20b.txt"),
        ("portcullis/a+b.txt", "a+b.txt"),
        ("portcullis%2fx%2Fy", "x%2Fy"),
        ("other%2Fx", "other%2Fx"),
    ])
    func urlEncodedKeys(backendKey: String, clientKey: String) {
        #expect(Self.translate("<Contents><Key>\(backendKey)</Key></Contents>", encoded: true) == "<Contents><Key>\(clientKey)</Key></Contents>")
    }

    @Test func urlEncodedPrefixWithSpecialCharacters() {
        let mapping = BucketMapping(clientBucket: "b", backendBucket: "b", keyPrefix: "a b+c/")
        let translator = ResponseTranslator(mapping: mapping, urlEncodedKeys: true)
        #expect(translator.stripKeyPrefix("a+b%2Bc%2Fk%20x") == "k%20x")
        #expect(translator.stripKeyPrefix("a%20b%2bc/k") == "k")
        #expect(translator.stripKeyPrefix("a%20b+c/k") == nil)
    }

    @Test func versionsAndUploadsAnswersAreTranslated() {
        let backend = """
            <ListVersionsResult><Name>corp-team-a</Name><Prefix>portcullis/</Prefix><KeyMarker>portcullis/k</KeyMarker>\
            <NextKeyMarker>portcullis/n</NextKeyMarker><Version><Key>portcullis/n</Key><VersionId>null</VersionId></Version>\
            <DeleteMarker><Key>portcullis/d</Key></DeleteMarker></ListVersionsResult>
            <ListMultipartUploadsResult><Bucket>corp-team-a</Bucket><KeyMarker></KeyMarker><Upload><Key>portcullis/u</Key>\
            <UploadId>1</UploadId><Owner><DisplayName>corp-team-a</DisplayName></Owner></Upload></ListMultipartUploadsResult>
            """
        let expected = """
            <ListVersionsResult><Name>team-a</Name><Prefix></Prefix><KeyMarker>k</KeyMarker>\
            <NextKeyMarker>n</NextKeyMarker><Version><Key>n</Key><VersionId>null</VersionId></Version>\
            <DeleteMarker><Key>d</Key></DeleteMarker></ListVersionsResult>
            <ListMultipartUploadsResult><Bucket>team-a</Bucket><KeyMarker></KeyMarker><Upload><Key>u</Key>\
            <UploadId>1</UploadId><Owner><DisplayName>corp-team-a</DisplayName></Owner></Upload></ListMultipartUploadsResult>
            """
        #expect(Self.translate(backend) == expected)
    }

    @Test func multipartAnswersAndErrorsAreTranslated() {
        #expect(
            Self.translate("<InitiateMultipartUploadResult><Bucket>corp-team-a</Bucket><Key>portcullis/big</Key><UploadId>u</UploadId></InitiateMultipartUploadResult>")
                == "<InitiateMultipartUploadResult><Bucket>team-a</Bucket><Key>big</Key><UploadId>u</UploadId></InitiateMultipartUploadResult>")
        #expect(
            Self.translate(
                "<CompleteMultipartUploadResult><Location>http://backend:8333/corp-team-a/portcullis/a%20b</Location><Bucket>corp-team-a</Bucket><Key>portcullis/a b</Key></CompleteMultipartUploadResult>",
                key: "a b")
                == "<CompleteMultipartUploadResult><Location>/team-a/a%20b</Location><Bucket>team-a</Bucket><Key>a b</Key></CompleteMultipartUploadResult>")
        #expect(
            Self.translate(
                "<Error><Code>NoSuchKey</Code><Message>m</Message><Key>portcullis/x</Key><BucketName>corp-team-a</BucketName><Resource>/corp-team-a/portcullis/x</Resource></Error>",
                resource: "/team-a/x")
                == "<Error><Code>NoSuchKey</Code><Message>m</Message><Key>x</Key><BucketName>team-a</BucketName><Resource>/team-a/x</Resource></Error>")
    }

    @Test func otherBucketNamesAndMalformedTextStayAsTheyAre() {
        for xml in ["<Name>someone-else</Name>", "<Key>portcullis/a<b/></Key>", "<Key>unterminated", "<Key attr=\"1\">portcullis/x</Key>", "<<Key>>"] {
            #expect(Self.translate(xml) == xml)
        }
    }

    @Test(arguments: [("a&amp;b&lt;&#65;&#x42;&bogus;", "a&b<AB&bogus;"), ("plain", "plain"), ("&", "&")])
    func xmlText(escaped: String, text: String) {
        #expect(XMLText.unescape(escaped) == text)
    }
}
