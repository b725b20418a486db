import Foundation
import NIOCore
import Shared
import Testing

@testable import S3Server

/// Flexible checksums in the filesystem store. Expected values were computed independently with
/// Python's `zlib.crc32` and `hashlib` (see the e2e tests, which check them against boto3 too).
@Suite("FilesystemStore checksums")
struct FilesystemStoreChecksumTests {
    static let parts = FilesystemStoreMultipartTests.parts  // "A"×12, "B"×12, "C"×3
    static let crc32Parts = ["Y9FDZg==", "g5N2nw==", "uRzmZw=="]

    struct SettingsCase: Sendable, CustomTestStringConvertible {
        var algorithm: String?
        var type: String?
        /// `nil` settings, an error code, or "ALGORITHM/TYPE".
        var expected: String
        var testDescription: String { "\(algorithm ?? "-") \(type ?? "-") → \(expected)" }
    }

    static let settingsCases: [SettingsCase] = [
        .init(algorithm: nil, type: nil, expected: "none"),
        .init(algorithm: "CRC32", type: nil, expected: "crc32/COMPOSITE"),
        .init(algorithm: "crc32c", type: nil, expected: "crc32c/COMPOSITE"),
        .init(algorithm: "CRC64NVME", type: nil, expected: "crc64nvme/FULL_OBJECT"),
        .init(algorithm: "SHA1", type: nil, expected: "sha1/COMPOSITE"),
        .init(algorithm: "SHA256", type: "COMPOSITE", expected: "sha256/COMPOSITE"),
        .init(algorithm: "CRC32", type: "FULL_OBJECT", expected: "crc32/FULL_OBJECT"),
        .init(algorithm: "CRC32C", type: "full_object", expected: "crc32c/FULL_OBJECT"),
        .init(algorithm: "SHA256", type: "FULL_OBJECT", expected: "InvalidRequest"),
        .init(algorithm: "SHA1", type: "FULL_OBJECT", expected: "InvalidRequest"),
        .init(algorithm: "CRC64NVME", type: "COMPOSITE", expected: "InvalidRequest"),
        .init(algorithm: "MD5", type: nil, expected: "InvalidRequest"),
        .init(algorithm: "CRC32", type: "PARTIAL", expected: "InvalidRequest"),
        .init(algorithm: nil, type: "COMPOSITE", expected: "InvalidRequest"),
    ]

    @Test(arguments: settingsCases)
    func uploadSettings(_ test: SettingsCase) {
        let outcome: String
        do {
            let settings = try UploadChecksumSettings.parse(algorithm: test.algorithm, type: test.type)
            outcome = settings.map { "\($0.algorithm.rawValue)/\($0.type.rawValue)" } ?? "none"
        } catch {
            outcome = error.code
        }
        #expect(outcome == test.expected)
    }

    @Test(arguments: [
        (ChecksumAlgorithm.crc32, crc32Parts, "kzFAcQ==-3"),
        (.sha256, [
            "BZLO3qu/g22NHHRWQXx2U6wgj3HpBNPQqzf69xECGv8=", "pl0fyob83Fo6qawbofOCxgD2elRwulA9c60x6ODGEMU=",
            "jFX/laZg83ywXmROdpHmxmWT9FPLLLqk1kqlm0CugDI=",
        ], "0w4iFG8VkKb0Rm57BRXXv8TLqTzRDHu3RvjEQ3ce1XE=-3"),
    ])
    func compositeValue(_ algorithm: ChecksumAlgorithm, _ partValues: [String], _ expected: String) {
        let composite = ObjectChecksum.composite(algorithm: algorithm, partValues: partValues)
        #expect(composite?.value == expected)
        #expect(composite?.type == .composite)
        #expect(composite?.valueWithoutPartCount == String(expected.dropLast(2)))
    }

    @Test func compositeRefusesValuesOfTheWrongLength() {
        #expect(ObjectChecksum.composite(algorithm: .crc32, partValues: ["AAAAAAAA"]) == nil)
        #expect(ObjectChecksum.composite(algorithm: .sha1, partValues: ["not base64"]) == nil)
    }

    @Test func putStoresVerifiedOrComputedChecksum() async throws {
        try await FSTest.withStore { store in
            let verified = try await store.putObject(
                bucket: "bucket", key: "v", metadata: .init(), body: FSTest.body("hello"),
                checksum: .verified(.crc32, value: { "NhCmhg==" }))
            #expect(verified.checksum == ObjectChecksum(algorithm: .crc32, value: "NhCmhg==", type: .fullObject))
            _ = try await store.putObject(bucket: "bucket", key: "c", metadata: .init(), body: FSTest.body("hello"), checksum: .compute(.sha1))
            _ = try await store.putObject(bucket: "bucket", key: "n", metadata: .init(), body: FSTest.body("hello"))

            // Read back from disk: the checksum is part of the object's record.
            #expect(try await store.headObject(bucket: "bucket", key: "v").checksum?.value == "NhCmhg==")
            #expect(try await store.getObject(bucket: "bucket", key: "c").info.checksum?.value == "qvTGHdzF6KLavt4PO0gs2a6pQ00=")
            #expect(try await store.headObject(bucket: "bucket", key: "n").checksum == nil)
            let listed = try await store.listObjects(bucket: "bucket", ListObjectsRequest())
            #expect(listed.objects.map { $0.checksum?.algorithmName } == ["c", "n", "v"].map { ["c": "sha1", "v": "crc32"][$0] })
        }
    }

    /// Uploads the three test parts to a new upload with `settings`; part 2 carries the client's
    /// checksum, the others get one computed by the store.
    static func upload(_ store: FilesystemStore, settings: UploadChecksumSettings?) async throws -> (String, [PartInfo]) {
        let uploadId = try await store.createMultipartUpload(bucket: "bucket", key: "mp", metadata: .init(), checksum: settings)
        var infos: [PartInfo] = []
        for (index, bytes) in parts.enumerated() {
            let source: ChecksumSource = index == 1 ? .verified(.crc32, value: { crc32Parts[1] }) : .none
            infos.append(
                try await store.uploadPart(
                    bucket: "bucket", key: "mp", uploadId: uploadId, partNumber: index + 1, body: FSTest.body(bytes), checksum: source))
        }
        return (uploadId, infos)
    }

    static func completed(_ infos: [PartInfo], checksums: [String?]) -> [CompletedPart] {
        zip(infos, checksums).map { info, value in
            CompletedPart(partNumber: info.partNumber, etag: info.etag, checksum: value.map { ObjectChecksum(algorithm: .crc32, value: $0) })
        }
    }

    @Test func compositeMultipartUpload() async throws {
        try await FSTest.withStore(minimumPartSize: 10) { store in
            let (uploadId, infos) = try await Self.upload(store, settings: UploadChecksumSettings(algorithm: .crc32, type: .composite))
            #expect(infos.map { $0.checksum?.value } == Self.crc32Parts)
            let listed = try await store.listParts(bucket: "bucket", key: "mp", uploadId: uploadId)
            #expect(listed.parts.map { $0.checksum?.value } == Self.crc32Parts)
            #expect(listed.checksum == UploadChecksumSettings(algorithm: .crc32, type: .composite))
            #expect(try await store.listMultipartUploads(bucket: "bucket").uploads.first?.checksum?.algorithm == .crc32)

            // S3's checks: every part's checksum must be named, and must be the stored one.
            #expect(
                await FSTest.errorCode {
                    _ = try await store.completeMultipartUpload(
                        bucket: "bucket", key: "mp", uploadId: uploadId, parts: Self.completed(infos, checksums: [Self.crc32Parts[0], nil, Self.crc32Parts[2]]))
                } == "InvalidRequest")
            #expect(
                await FSTest.errorCode {
                    _ = try await store.completeMultipartUpload(
                        bucket: "bucket", key: "mp", uploadId: uploadId, parts: Self.completed(infos, checksums: [Self.crc32Parts[0], "AAAAAA==", Self.crc32Parts[2]]))
                } == "InvalidPart")
            var wrongAlgorithm = Self.completed(infos, checksums: Self.crc32Parts)
            wrongAlgorithm[0].checksum = ObjectChecksum(algorithm: .crc32c, value: Self.crc32Parts[0])
            #expect(
                await FSTest.errorCode {
                    _ = try await store.completeMultipartUpload(bucket: "bucket", key: "mp", uploadId: uploadId, parts: wrongAlgorithm)
                } == "InvalidPart")
            #expect(await FSTest.errorCode { _ = try await store.headObject(bucket: "bucket", key: "mp") } == "NoSuchKey")

            let info = try await store.completeMultipartUpload(
                bucket: "bucket", key: "mp", uploadId: uploadId, parts: Self.completed(infos, checksums: Self.crc32Parts))
            #expect(info.checksum == ObjectChecksum(algorithm: .crc32, value: "kzFAcQ==-3", type: .composite))
            #expect(try await store.headObject(bucket: "bucket", key: "mp").checksum == info.checksum)
        }
    }

    @Test func fullObjectMultipartUpload() async throws {
        try await FSTest.withStore(minimumPartSize: 10) { store in
            let (uploadId, infos) = try await Self.upload(store, settings: UploadChecksumSettings(algorithm: .crc32, type: .fullObject))
            let info = try await store.completeMultipartUpload(
                bucket: "bucket", key: "mp", uploadId: uploadId, parts: Self.completed(infos, checksums: Self.crc32Parts))
            // CRC32 of the 27 assembled bytes.
            #expect(info.checksum == ObjectChecksum(algorithm: .crc32, value: "KZYzhw==", type: .fullObject))
        }
    }

    @Test func uploadWithoutAlgorithmKeepsPartChecksumsButGivesTheObjectNone() async throws {
        try await FSTest.withStore(minimumPartSize: 10) { store in
            let (uploadId, infos) = try await Self.upload(store, settings: nil)
            #expect(infos.map { $0.checksum?.value } == [nil, Self.crc32Parts[1], nil])
            // A part checksum in the request must still match, and may be left out.
            #expect(
                await FSTest.errorCode {
                    _ = try await store.completeMultipartUpload(
                        bucket: "bucket", key: "mp", uploadId: uploadId, parts: Self.completed(infos, checksums: [nil, "AAAAAA==", nil]))
                } == "InvalidPart")
            let info = try await store.completeMultipartUpload(
                bucket: "bucket", key: "mp", uploadId: uploadId, parts: Self.completed(infos, checksums: [nil, Self.crc32Parts[1], nil]))
            #expect(info.checksum == nil)
        }
    }

    @Test func partChecksumOfAnotherAlgorithmIsRefused() async throws {
        try await FSTest.withStore { store in
            let uploadId = try await store.createMultipartUpload(
                bucket: "bucket", key: "mp", metadata: .init(), checksum: UploadChecksumSettings(algorithm: .sha256, type: .composite))
            #expect(
                await FSTest.errorCode {
                    _ = try await store.uploadPart(
                        bucket: "bucket", key: "mp", uploadId: uploadId, partNumber: 1, body: FSTest.body("x"),
                        checksum: .verified(.crc32, value: { "AAAAAA==" }))
                } == "InvalidRequest")
            #expect(try await store.listParts(bucket: "bucket", key: "mp", uploadId: uploadId).parts.isEmpty)
        }
    }

    @Test func checksumXML() throws {
        let date = Date(timeIntervalSince1970: 1_255_369_830.123)
        let composite = ObjectChecksum(algorithm: .crc32, value: "kzFAcQ==-3", type: .composite)
        #expect(
            S3XML.completeMultipartUploadResult(location: "/b/k", bucket: "b", key: "k", etag: "\"e-3\"", checksum: composite)
                .hasSuffix("<ETag>&quot;e-3&quot;</ETag><ChecksumCRC32>kzFAcQ==-3</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType></CompleteMultipartUploadResult>"))
        let parts = ListPartsResult(
            key: "k", uploadId: "u",
            parts: [PartInfo(partNumber: 1, etag: "\"e\"", size: 1, lastModified: date, checksum: ObjectChecksum(algorithm: .sha256, value: "c2hh"))],
            partNumberMarker: 0, maxParts: 1000, isTruncated: false, initiated: date,
            checksum: UploadChecksumSettings(algorithm: .sha256, type: .composite))
        let listParts = S3XML.listPartsResult(bucket: "b", result: parts)
        #expect(listParts.contains("<ChecksumAlgorithm>SHA256</ChecksumAlgorithm><ChecksumType>COMPOSITE</ChecksumType>"))
        #expect(listParts.contains("<Size>1</Size><ChecksumSHA256>c2hh</ChecksumSHA256></Part>"))
        let info = ObjectInfo(key: "k", size: 27, etag: "\"e-3\"", lastModified: date, metadata: .init(), partsCount: 3, checksum: composite)
        #expect(
            S3XML.objectAttributes(info, requested: ["Checksum"]).contains(
                "<Checksum><ChecksumCRC32>kzFAcQ==</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType></Checksum>"))
        #expect(!S3XML.objectAttributes(info, requested: ["ETag"]).contains("<Checksum>"))
        let listing = S3XML.listBucketResultV2(
            bucket: "b", request: ListObjectsRequest(),
            result: ListObjectsResult(objects: [info], commonPrefixes: [], isTruncated: false, maxKeys: 1000))
        #expect(listing.contains("<ETag>&quot;e-3&quot;</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><ChecksumType>COMPOSITE</ChecksumType><Size>27</Size>"))
    }
}
