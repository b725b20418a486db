import Foundation
import Testing

@testable import S3Server

/// ListMultipartUploads paging: S3's key-marker / upload-id-marker rules and delimiter roll-up.
@Suite("ListMultipartUploads paging")
struct UploadListingTests {
    /// Sorted as the store sorts them: by key, then initiation.
    static let uploads: [MultipartUploadInfo] = [
        ("a", "u1"), ("a", "u2"), ("b/x", "u3"), ("b/y", "u4"), ("c", "u5"),
    ].enumerated().map { index, pair in
        MultipartUploadInfo(key: pair.0, uploadId: pair.1, initiated: Date(timeIntervalSince1970: Double(index)))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var request: ListUploadsRequest
        var uploadIds: [String]
        var prefixes: [String] = []
        /// "key/uploadId" of the next markers, when truncated.
        var next: String? = nil
        var testDescription: String { "\(request) → \(uploadIds) \(prefixes) \(next ?? "-")" }
    }

    static let cases: [Case] = [
        .init(request: .init(), uploadIds: ["u1", "u2", "u3", "u4", "u5"]),
        .init(request: .init(maxUploads: 2), uploadIds: ["u1", "u2"], next: "a/u2"),
        .init(request: .init(maxUploads: 0), uploadIds: []),
        .init(request: .init(keyMarker: "a"), uploadIds: ["u3", "u4", "u5"]),
        .init(request: .init(keyMarker: "a", uploadIdMarker: "u1"), uploadIds: ["u2", "u3", "u4", "u5"]),
        .init(request: .init(maxUploads: 1, keyMarker: "a", uploadIdMarker: "u2"), uploadIds: ["u3"], next: "b/x/u3"),
        .init(request: .init(keyMarker: "b"), uploadIds: ["u3", "u4", "u5"]),
        .init(request: .init(uploadIdMarker: "u3"), uploadIds: ["u1", "u2", "u3", "u4", "u5"]),  // ignored without key-marker
        .init(request: .init(delimiter: "/"), uploadIds: ["u1", "u2", "u5"], prefixes: ["b/"]),
        .init(request: .init(delimiter: "/", maxUploads: 3), uploadIds: ["u1", "u2"], prefixes: ["b/"], next: "b/"),
        .init(request: .init(delimiter: "/", keyMarker: "b/"), uploadIds: ["u5"]),
    ]

    @Test(arguments: cases)
    func page(_ test: Case) {
        let result = FilesystemStore.page(Self.uploads, test.request)
        #expect(result.uploads.map(\.uploadId) == test.uploadIds)
        #expect(result.commonPrefixes == test.prefixes)
        #expect(result.isTruncated == (test.next != nil))
        let next = result.nextKeyMarker.map { key in result.nextUploadIdMarker.map { "\(key)/\($0)" } ?? key }
        #expect(next == test.next)
    }

    @Test func storeListsWithMarkers() async throws {
        try await FSTest.withStore { store in
            var ids: [String] = []
            for key in ["k2", "k1", "k1"] { ids.append(try await store.createMultipartUpload(bucket: "bucket", key: key, metadata: .init())) }
            let all = try await store.listMultipartUploads(bucket: "bucket")
            #expect(all.uploads.map(\.key) == ["k1", "k1", "k2"])
            let first = try await store.listMultipartUploads(bucket: "bucket", ListUploadsRequest(maxUploads: 1))
            #expect(first.isTruncated && first.nextKeyMarker == "k1")
            let rest = try await store.listMultipartUploads(
                bucket: "bucket", ListUploadsRequest(keyMarker: first.nextKeyMarker, uploadIdMarker: first.nextUploadIdMarker))
            #expect((first.uploads + rest.uploads).map(\.uploadId) == all.uploads.map(\.uploadId))
            #expect(try await store.listMultipartUploads(bucket: "bucket", ListUploadsRequest(prefix: "k2")).uploads.map(\.uploadId) == [ids[0]])
        }
    }
}
