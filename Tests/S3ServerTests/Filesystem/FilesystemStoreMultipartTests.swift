import Foundation
import NIOCore
import Testing

@testable import S3Server

@Suite("FilesystemStore multipart uploads")
struct FilesystemStoreMultipartTests {
    static let parts: [[UInt8]] = [Array(repeating: UInt8(ascii: "A"), count: 12), Array(repeating: UInt8(ascii: "B"), count: 12), Array(repeating: UInt8(ascii: "C"), count: 3)]

    /// Starts an upload for `key` and uploads `parts`, returning the id and part ETags.
    static func upload(_ store: FilesystemStore, key: String = "big", parts: [[UInt8]] = parts) async throws -> (String, [String]) {
        let uploadId = try await store.createMultipartUpload(bucket: "bucket", key: key, metadata: .init(contentType: "video/mp4", userMetadata: ["k": "v"]))
        var etags: [String] = []
        for (index, bytes) in parts.enumerated() {
            etags.append(try await store.uploadPart(bucket: "bucket", key: key, uploadId: uploadId, partNumber: index + 1, body: FSTest.body(bytes)).etag)
        }
        return (uploadId, etags)
    }

    @Test func happyPath() async throws {
        try await FSTest.withStore(minimumPartSize: 10) { store in
            let (uploadId, etags) = try await Self.upload(store)
            #expect(etags == ["\"02737e4e8c87d7466b623c1f844fdd71\"", "\"9f296b094e9f7ea769d73718147c9a0a\"", "\"defb99e69a9f1f6e06f15006b1f166ae\""])

            let listed = try await store.listParts(bucket: "bucket", key: "big", uploadId: uploadId)
            #expect(listed.parts.map(\.partNumber) == [1, 2, 3])
            #expect(listed.parts.map(\.size) == [12, 12, 3])
            #expect(listed.isTruncated == false)
            let paged = try await store.listParts(bucket: "bucket", key: "big", uploadId: uploadId, partNumberMarker: 1, maxParts: 1)
            #expect(paged.parts.map(\.partNumber) == [2])
            #expect(paged.isTruncated && paged.nextPartNumberMarker == 2)

            let uploads = try await store.listMultipartUploads(bucket: "bucket")
            #expect(uploads.uploads.map(\.uploadId) == [uploadId])

            // Client ETags may come without quotes.
            let completed = zip(1..., etags).map { CompletedPart(partNumber: $0, etag: $0 == 2 ? $1.replacingOccurrences(of: "\"", with: "") : $1) }
            let info = try await store.completeMultipartUpload(bucket: "bucket", key: "big", uploadId: uploadId, parts: completed)
            #expect(info.etag == "\"3ac1f2f2a0615325ed6c6127356d0099-3\"")
            #expect(info.size == 27)
            #expect(info.partsCount == 3)

            let content = try await store.getObject(bucket: "bucket", key: "big")
            #expect(try await FSTest.collect(content.body) == Self.parts.flatMap { $0 })
            #expect(content.info.metadata.contentType == "video/mp4")
            #expect(content.info.metadata.userMetadata == ["k": "v"])
            #expect(content.info.etag == info.etag)

            // The upload is gone, and nothing is left behind but the object.
            #expect(await FSTest.errorCode { _ = try await store.listParts(bucket: "bucket", key: "big", uploadId: uploadId) } == "NoSuchUpload")
            #expect(try await store.listMultipartUploads(bucket: "bucket").uploads.isEmpty)
            #expect(FSTest.files(under: store.root + "/bucket").filter { !$0.hasPrefix("objects/") } == ["bucket.json"])
        }
    }

    @Test func etagFormat() async throws {
        try await FSTest.withStore(minimumPartSize: 1) { store in
            let (uploadId, etags) = try await Self.upload(store, parts: [Array("x".utf8)])
            let info = try await store.completeMultipartUpload(bucket: "bucket", key: "big", uploadId: uploadId, parts: [CompletedPart(partNumber: 1, etag: etags[0])])
            let text = info.etag
            #expect(text.hasPrefix("\"") && text.hasSuffix("-1\""))
            #expect(text.utf8.count == 36)  // quote, 32 hex, "-1", quote
            #expect(text.dropFirst().prefix(32).allSatisfy { "0123456789abcdef".contains($0) })
        }
    }

    @Test func completionErrors() async throws {
        try await FSTest.withStore(minimumPartSize: 10) { store in
            let (uploadId, etags) = try await Self.upload(store)
            func complete(_ parts: [(Int, String)]) async -> String? {
                await FSTest.errorCode {
                    _ = try await store.completeMultipartUpload(
                        bucket: "bucket", key: "big", uploadId: uploadId, parts: parts.map { CompletedPart(partNumber: $0.0, etag: $0.1) })
                }
            }
            #expect(await complete([(2, etags[1]), (1, etags[0])]) == "InvalidPartOrder")
            #expect(await complete([(1, etags[0]), (1, etags[0])]) == "InvalidPartOrder")
            #expect(await complete([(1, etags[0]), (2, etags[0])]) == "InvalidPart")
            #expect(await complete([(1, etags[0]), (4, etags[1])]) == "InvalidPart")
            #expect(await complete([(3, etags[2]), (4, "\"00\"")]) == "InvalidPart")
            #expect(await complete([]) == "MalformedXML")
            // A part below the minimum is fine only as the last part (happyPath covers that).
            let (second, etags2) = try await Self.upload(store, key: "small", parts: [Array("s".utf8), Self.parts[0]])
            let code = await FSTest.errorCode {
                _ = try await store.completeMultipartUpload(
                    bucket: "bucket", key: "small", uploadId: second,
                    parts: [CompletedPart(partNumber: 1, etag: etags2[0]), CompletedPart(partNumber: 2, etag: etags2[1])]
                )
            }
            #expect(code == "EntityTooSmall")
            #expect(await FSTest.errorCode { _ = try await store.headObject(bucket: "bucket", key: "small") } == "NoSuchKey")
            #expect(FSTest.files(under: store.root + "/bucket/tmp").isEmpty)
        }
    }

    @Test func uploadValidationAndAbort() async throws {
        try await FSTest.withStore(minimumPartSize: 10) { store in
            let (uploadId, _) = try await Self.upload(store)
            for partNumber in [0, 10_001] {
                let code = await FSTest.errorCode {
                    _ = try await store.uploadPart(bucket: "bucket", key: "big", uploadId: uploadId, partNumber: partNumber, body: FSTest.body("x"))
                }
                #expect(code == "InvalidArgument")
            }
            for bogus in ["../../../etc", "0123456789abcdef0123456789abcdef", "", uploadId.uppercased()] {
                let code = await FSTest.errorCode {
                    _ = try await store.uploadPart(bucket: "bucket", key: "big", uploadId: bogus, partNumber: 1, body: FSTest.body("x"))
                }
                #expect(code == "NoSuchUpload", "\(bogus)")
            }
            let otherKey = await FSTest.errorCode {
                _ = try await store.uploadPart(bucket: "bucket", key: "other", uploadId: uploadId, partNumber: 1, body: FSTest.body("x"))
            }
            #expect(otherKey == "NoSuchUpload")

            // A failing part body leaves the previous part in place.
            await #expect(throws: FSTest.Boom.self) {
                _ = try await store.uploadPart(bucket: "bucket", key: "big", uploadId: uploadId, partNumber: 1, body: FSTest.failingBody(after: [9, 9]))
            }
            #expect(try await store.listParts(bucket: "bucket", key: "big", uploadId: uploadId).parts.first?.size == 12)

            try await store.abortMultipartUpload(bucket: "bucket", key: "big", uploadId: uploadId)
            #expect(await FSTest.errorCode { try await store.abortMultipartUpload(bucket: "bucket", key: "big", uploadId: uploadId) } == "NoSuchUpload")
            let late = await FSTest.errorCode {
                _ = try await store.uploadPart(bucket: "bucket", key: "big", uploadId: uploadId, partNumber: 1, body: FSTest.body("x"))
            }
            #expect(late == "NoSuchUpload")
            #expect(FSTest.files(under: store.root + "/bucket").filter { !$0.hasPrefix("objects/") } == ["bucket.json"])
        }
    }

    /// A completed upload remembers where its parts are: `GET ?partNumber=` serves exactly one.
    @Test func partsOfACompletedUploadCanBeReadOneByOne() async throws {
        try await FSTest.withStore(minimumPartSize: 10) { store in
            let (uploadId, etags) = try await Self.upload(store)
            let completed = zip(1..., etags).map { CompletedPart(partNumber: $0, etag: $1) }
            _ = try await store.completeMultipartUpload(bucket: "bucket", key: "big", uploadId: uploadId, parts: completed)
            for (index, part) in Self.parts.enumerated() {
                let content = try await store.getObject(bucket: "bucket", key: "big", partNumber: index + 1)
                #expect(try await FSTest.collect(content.body) == part)
                #expect(content.info.partsCount == 3)
            }
            let range = try await store.getObject(bucket: "bucket", key: "big", partNumber: 2).range
            #expect(range?.contentRange == "bytes 12-23/27")
            #expect(await FSTest.errorCode { _ = try await store.getObject(bucket: "bucket", key: "big", partNumber: 4) } == "InvalidPartNumber")
            // A single PUT is one part.
            _ = try await store.putObject(bucket: "bucket", key: "small", metadata: .init(), body: FSTest.body("hello"))
            #expect(try await FSTest.collect(store.getObject(bucket: "bucket", key: "small", partNumber: 1).body) == Array("hello".utf8))
            #expect(await FSTest.errorCode { _ = try await store.getObject(bucket: "bucket", key: "small", partNumber: 2) } == "InvalidPartNumber")
        }
    }
}
