import Foundation
import NIOCore
import Testing

@testable import S3Server

@Suite("FilesystemStore objects and buckets")
struct FilesystemStoreTests {
    @Test func putGetRoundtripWithMetadata() async throws {
        try await FSTest.withStore { store in
            let metadata = ObjectMetadata(
                contentType: "text/plain",
                contentEncoding: "identity",
                contentDisposition: "attachment; filename=\"a.txt\"",
                contentLanguage: "en",
                cacheControl: "no-cache",
                expires: "Wed, 21 Oct 2015 07:28:00 GMT",
                userMetadata: ["Color": "blue", "x": "ü"]
            )
            let info = try await store.putObject(bucket: "bucket", key: "greeting", metadata: metadata, body: FSTest.body("hello world"), expectedSize: 11)
            #expect(info.etag == "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"")
            #expect(info.size == 11)

            let content = try await store.getObject(bucket: "bucket", key: "greeting")
            #expect(content.range == nil)
            #expect(content.body.count == 11)
            #expect(try await FSTest.collect(content.body) == Array("hello world".utf8))
            #expect(content.info.metadata == metadata)
            #expect(content.info.metadata.userMetadata == ["color": "blue", "x": "ü"])
            #expect(content.info.etag == info.etag)

            let head = try await store.headObject(bucket: "bucket", key: "greeting")
            #expect(head == content.info)
            #expect(head.lastModified == info.lastModified)
        }
    }

    @Test func metadataFromHeadersAndDefaults() {
        let metadata = ObjectMetadata(headers: [
            (name: "X-Amz-Meta-Owner", value: "me"), (name: "x-amz-meta-owner", value: "you"),
            (name: "Content-Language", value: "de"), (name: "Authorization", value: "secret"),
        ])
        #expect(metadata.contentType == "binary/octet-stream")
        #expect(metadata.userMetadata == ["owner": "me,you"])
        #expect(metadata.contentLanguage == "de")
        #expect(metadata.responseHeaders.map(\.name) == ["Content-Type", "Content-Language", "x-amz-meta-owner"])
    }

    @Test func largeBodyStreamsInChunks() async throws {
        try await FSTest.withStore { store in
            let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
            _ = try await store.putObject(bucket: "bucket", key: "big", metadata: .init(), body: FSTest.body(bytes, chunk: 10_000))
            let content = try await store.getObject(bucket: "bucket", key: "big")
            var chunks: [Int] = []
            var received: [UInt8] = []
            for try await buffer in content.body {
                chunks.append(buffer.readableBytes)
                received += buffer.readableBytesView
            }
            #expect(received == bytes)
            #expect(chunks.allSatisfy { $0 <= ObjectBody.chunkSize })
            #expect(chunks.count == 5)
        }
    }

    @Test func interruptedPutLeavesNoTraceAndKeepsOldObject() async throws {
        try await FSTest.withStore { store in
            _ = try await store.putObject(bucket: "bucket", key: "k", metadata: .init(contentType: "text/old"), body: FSTest.body("old"))
            await #expect(throws: FSTest.Boom.self) {
                _ = try await store.putObject(bucket: "bucket", key: "k", metadata: .init(), body: FSTest.failingBody(after: Array("new bytes".utf8)))
            }
            #expect(try await FSTest.getString(store, "k") == "old")
            #expect(try await store.headObject(bucket: "bucket", key: "k").metadata.contentType == "text/old")

            await #expect(throws: FSTest.Boom.self) {
                _ = try await store.putObject(bucket: "bucket", key: "fresh", metadata: .init(), body: FSTest.failingBody(after: [1, 2, 3]))
            }
            #expect(await FSTest.errorCode { _ = try await store.headObject(bucket: "bucket", key: "fresh") } == "NoSuchKey")
            #expect(FSTest.files(under: store.root + "/bucket/tmp").isEmpty)
        }
    }

    @Test func sizeMismatchIsIncompleteBody() async throws {
        try await FSTest.withStore { store in
            for expected: Int64 in [3, 20] {
                let code = await FSTest.errorCode {
                    _ = try await store.putObject(bucket: "bucket", key: "k", metadata: .init(), body: FSTest.body("0123456789"), expectedSize: expected)
                }
                #expect(code == "IncompleteBody")
            }
            #expect(await FSTest.errorCode { _ = try await store.headObject(bucket: "bucket", key: "k") } == "NoSuchKey")
            #expect(FSTest.files(under: store.root + "/bucket/tmp").isEmpty)
        }
    }

    static let awkwardKeys = [
        "..", ".", "a//b", "dir/", "/leading", "a/../../etc/passwd", "../../../../tmp/escape", "a\\..\\b",
        "%2e%2e/x", "spaces and\ttabs\nnewline", "ключ/值/🔑", "e\u{301}", "\u{E9}", String(repeating: "long/", count: 204) + "abcd",
    ]

    @Test func awkwardKeysStayInsideTheBucketAndRoundTrip() async throws {
        try await FSTest.withStore { store in
            for key in Self.awkwardKeys {
                _ = try await store.putObject(bucket: "bucket", key: key, metadata: .init(), body: FSTest.body(Array(key.utf8)))
            }
            for key in Self.awkwardKeys {
                let content = try await store.getObject(bucket: "bucket", key: key)
                #expect(content.info.key.utf8.elementsEqual(key.utf8))
                #expect(try await FSTest.collect(content.body) == Array(key.utf8))
            }
            let listed = try await store.listObjects(bucket: "bucket", ListObjectsRequest()).objects.map { Array($0.key.utf8) }
            #expect(listed == Self.awkwardKeys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
            // Everything the store wrote is its own bookkeeping under the bucket folder.
            let files = FSTest.files(under: store.root)
            #expect(files.allSatisfy { $0 == "bucket/bucket.json" || ($0.hasPrefix("bucket/objects/") && $0.hasSuffix(".obj")) })
            #expect(files.count == Self.awkwardKeys.count + 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.root).sorted() == [".staging", "bucket"])
        }
    }

    @Test func keyLengthLimit() async throws {
        try await FSTest.withStore { store in
            let longest = String(repeating: "k", count: 1024)
            _ = try await store.putObject(bucket: "bucket", key: longest, metadata: .init(), body: FSTest.body("x"))
            #expect(try await FSTest.getString(store, longest) == "x")
            let code = await FSTest.errorCode {
                _ = try await store.putObject(bucket: "bucket", key: longest + "k", metadata: .init(), body: FSTest.body("x"))
            }
            #expect(code == "KeyTooLongError")
        }
    }

    @Test func objectAndPrefixOfSameNameCoexist() async throws {
        try await FSTest.withStore { store in
            _ = try await store.putObject(bucket: "bucket", key: "a", metadata: .init(), body: FSTest.body("file a"))
            _ = try await store.putObject(bucket: "bucket", key: "a/b", metadata: .init(), body: FSTest.body("file a/b"))
            #expect(try await FSTest.getString(store, "a") == "file a")
            #expect(try await FSTest.getString(store, "a/b") == "file a/b")
            try await store.deleteObject(bucket: "bucket", key: "a")
            #expect(await FSTest.errorCode { _ = try await store.headObject(bucket: "bucket", key: "a") } == "NoSuchKey")
            #expect(try await FSTest.getString(store, "a/b") == "file a/b")
            try await store.deleteObject(bucket: "bucket", key: "a")  // missing key: still fine
        }
    }

    @Test func readerKeepsItsSnapshotWhenObjectIsReplaced() async throws {
        try await FSTest.withStore { store in
            _ = try await store.putObject(bucket: "bucket", key: "k", metadata: .init(), body: FSTest.body("version one"))
            let content = try await store.getObject(bucket: "bucket", key: "k")
            _ = try await store.putObject(bucket: "bucket", key: "k", metadata: .init(), body: FSTest.body("version two!"))
            try await store.deleteObject(bucket: "bucket", key: "k")
            #expect(String(decoding: try await FSTest.collect(content.body), as: UTF8.self) == "version one")
        }
    }

    @Test(arguments: ["ab", "Bucket", "-abc", "abc-", "a..b", "192.168.1.1", "a_b", String(repeating: "a", count: 64), ".staging", "é-bucket"])
    func invalidBucketNames(_ name: String) async throws {
        try await FSTest.withStore { store in
            #expect(await FSTest.errorCode { try await store.createBucket(name) } == "InvalidBucketName")
        }
    }

    @Test(arguments: ["abc", "my.bucket-1", "1.2.3", String(repeating: "a", count: 63), "192.168.1.1a"])
    func validBucketNames(_ name: String) {
        #expect(BucketName.isValid(name))
    }

    @Test func bucketLifecycle() async throws {
        try await FSTest.withStore { store in
            #expect(await FSTest.errorCode { try await store.createBucket("bucket") } == "BucketAlreadyOwnedByYou")
            try await store.createBucket("another")
            #expect(try await store.listBuckets().map(\.name) == ["another", "bucket"])
            let created = try await store.listBuckets()[0].creationDate
            #expect(abs(created.timeIntervalSinceNow) < 60)
            try await store.headBucket("another")
            #expect(await FSTest.errorCode { try await store.headBucket("missing") } == "NoSuchBucket")
            #expect(await FSTest.errorCode { _ = try await store.putObject(bucket: "missing", key: "k", metadata: .init(), body: FSTest.body("x")) } == "NoSuchBucket")
            #expect(await FSTest.errorCode { _ = try await store.getObject(bucket: "missing", key: "k") } == "NoSuchBucket")
            #expect(await FSTest.errorCode { try await store.deleteObject(bucket: "missing", key: "k") } == "NoSuchBucket")

            _ = try await store.putObject(bucket: "another", key: "k", metadata: .init(), body: FSTest.body("x"))
            #expect(await FSTest.errorCode { try await store.deleteBucket("another") } == "BucketNotEmpty")
            try await store.deleteObject(bucket: "another", key: "k")
            try await store.deleteBucket("another")
            #expect(try await store.listBuckets().map(\.name) == ["bucket"])
            #expect(await FSTest.errorCode { try await store.deleteBucket("another") } == "NoSuchBucket")
            try await store.createBucket("another")  // the name is free again
        }
    }

    @Test func staleTemporaryFilesAreRemoved() async throws {
        try await FSTest.withStore { store in
            _ = FileManager.default.createFile(atPath: store.root + "/bucket/tmp/leftover", contents: Data([1, 2]))
            try await store.removeStaleTemporaryFiles()
            #expect(FSTest.files(under: store.root + "/bucket/tmp").isEmpty)
            try await store.headBucket("bucket")
        }
    }
}
