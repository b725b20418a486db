import Foundation
import NIOCore
import Testing

@testable import S3Server

@Suite("FilesystemStore listing")
struct FilesystemStoreListingTests {
    static let keys = [
        "a", "a/b", "a/c/d", "a/c/e", "b", "b/", "b//x", "c/x", "c/y/z", "d",
        "photos/2024/jan.jpg", "photos/2024/feb.jpg", "photos/2025/a.jpg", "photos/index.html",
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var prefix: String
        var delimiter: String?
        var marker: String?
        var keys: [String]
        var prefixes: [String]
        var testDescription: String { "prefix=\(prefix) delimiter=\(delimiter ?? "-") marker=\(marker ?? "-")" }
    }

    static let cases: [Case] = [
        Case(prefix: "", delimiter: nil, keys: keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, prefixes: []),
        Case(prefix: "", delimiter: "/", keys: ["a", "b", "d"], prefixes: ["a/", "b/", "c/", "photos/"]),
        Case(prefix: "a/", delimiter: "/", keys: ["a/b"], prefixes: ["a/c/"]),
        Case(prefix: "photos/", delimiter: "/", keys: ["photos/index.html"], prefixes: ["photos/2024/", "photos/2025/"]),
        Case(prefix: "photos/2024/", delimiter: nil, keys: ["photos/2024/feb.jpg", "photos/2024/jan.jpg"], prefixes: []),
        Case(prefix: "b", delimiter: "/", keys: ["b"], prefixes: ["b/"]),
        Case(prefix: "b/", delimiter: "/", keys: ["b/"], prefixes: ["b//"]),
        Case(prefix: "zzz", delimiter: "/", keys: [], prefixes: []),
        Case(prefix: "photos", delimiter: "/2", keys: ["photos/index.html"], prefixes: ["photos/2"]),
        Case(prefix: "a", delimiter: "c", keys: ["a", "a/b"], prefixes: ["a/c"]),
        Case(prefix: "", delimiter: "", keys: keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, prefixes: []),
        Case(prefix: "", delimiter: "/", marker: "b", keys: ["d"], prefixes: ["b/", "c/", "photos/"]),
        Case(prefix: "", delimiter: "/", marker: "a/", keys: ["b", "d"], prefixes: ["b/", "c/", "photos/"]),
        Case(prefix: "a/", delimiter: nil, marker: "a/c/d", keys: ["a/c/e"], prefixes: []),
    ]

    static func withListingStore<T>(_ body: (FilesystemStore) async throws -> T) async throws -> T {
        try await FSTest.withStore { store in
            for key in keys {
                _ = try await store.putObject(bucket: "bucket", key: key, metadata: .init(), body: FSTest.body(key))
            }
            return try await body(store)
        }
    }

    @Test(arguments: cases)
    func prefixDelimiterMarker(_ testCase: Case) async throws {
        try await Self.withListingStore { store in
            let request = ListObjectsRequest(prefix: testCase.prefix, delimiter: testCase.delimiter, startAfter: testCase.marker)
            let result = try await store.listObjects(bucket: "bucket", request)
            #expect(result.objects.map(\.key) == testCase.keys)
            #expect(result.commonPrefixes == testCase.prefixes)
            #expect(result.isTruncated == false)
            #expect(result.nextMarker == nil)
            #expect(result.objects.allSatisfy { $0.size == Int64($0.key.utf8.count) })
        }
    }

    @Test func paginationMatchesFullListingV1AndV2() async throws {
        try await Self.withListingStore { store in
            for (prefix, delimiter) in [("", nil), ("", "/"), ("photos/", "/"), ("a", "/"), ("", "c")] as [(String, String?)] {
                let full = try await store.listObjects(bucket: "bucket", ListObjectsRequest(prefix: prefix, delimiter: delimiter))
                for maxKeys in 1...4 {
                    // V1: NextMarker (or the last key) as the next marker.
                    var marker: String?
                    var keys: [String] = []
                    var prefixes: [String] = []
                    var pages = 0
                    while true {
                        let page = try await store.listObjects(
                            bucket: "bucket",
                            ListObjectsRequest(prefix: prefix, delimiter: delimiter, maxKeys: maxKeys, startAfter: marker)
                        )
                        #expect(page.keyCount <= maxKeys)
                        keys += page.objects.map(\.key)
                        prefixes += page.commonPrefixes
                        pages += 1
                        guard page.isTruncated else { break }
                        let next: String = try #require(page.nextMarker)
                        marker = next
                        try #require(pages < 50)
                    }
                    #expect(keys == full.objects.map(\.key), "V1 \(prefix) \(delimiter ?? "-") \(maxKeys)")
                    #expect(prefixes == full.commonPrefixes)

                    // V2: opaque continuation tokens.
                    var token: String?
                    keys = []
                    prefixes = []
                    pages = 0
                    while true {
                        let page = try await store.listObjects(
                            bucket: "bucket",
                            ListObjectsRequest(prefix: prefix, delimiter: delimiter, maxKeys: maxKeys, continuationToken: token)
                        )
                        #expect(page.keyCount <= maxKeys)
                        keys += page.objects.map(\.key)
                        prefixes += page.commonPrefixes
                        pages += 1
                        guard page.isTruncated else { break }
                        let next: String = try #require(page.nextContinuationToken)
                        token = next
                        try #require(pages < 50)
                    }
                    #expect(keys == full.objects.map(\.key), "V2 \(prefix) \(delimiter ?? "-") \(maxKeys)")
                    #expect(prefixes == full.commonPrefixes)
                }
            }
        }
    }

    @Test func keysSortByUTF8Bytes() async throws {
        try await FSTest.withStore { store in
            let keys = ["~", "\u{E9}", "a", "B", "e\u{301}"]
            for key in keys { _ = try await store.putObject(bucket: "bucket", key: key, metadata: .init(), body: FSTest.body("x")) }
            let listed = try await store.listObjects(bucket: "bucket", ListObjectsRequest()).objects.map { Array($0.key.utf8) }
            // Byte order: B (42) < a (61) < e+U+0301 (65 CC 81) < ~ (7E) < é (C3 A9); both é forms are distinct keys.
            #expect(listed == [[0x42], [0x61], [0x65, 0xCC, 0x81], [0x7E], [0xC3, 0xA9]])
        }
    }

    @Test func maxKeysEdgeCasesAndBadToken() async throws {
        try await Self.withListingStore { store in
            let zero = try await store.listObjects(bucket: "bucket", ListObjectsRequest(maxKeys: 0))
            #expect(zero.keyCount == 0)
            #expect(zero.isTruncated == false)
            #expect(await FSTest.errorCode { _ = try await store.listObjects(bucket: "bucket", ListObjectsRequest(maxKeys: -1)) } == "InvalidArgument")
            #expect(await FSTest.errorCode { _ = try await store.listObjects(bucket: "bucket", ListObjectsRequest(continuationToken: "!!not base64")) } == "InvalidArgument")
            #expect(await FSTest.errorCode { _ = try await store.listObjects(bucket: "nope", ListObjectsRequest()) } == "NoSuchBucket")
            // A continuation token wins over start-after.
            let token = ListObjectsResult.encodeContinuationToken("c/y/z")
            let page = try await store.listObjects(bucket: "bucket", ListObjectsRequest(startAfter: "a", continuationToken: token))
            #expect(page.objects.map(\.key) == ["d", "photos/2024/feb.jpg", "photos/2024/jan.jpg", "photos/2025/a.jpg", "photos/index.html"])
        }
    }

    @Test func thousandsOfKeys() async throws {
        try await FSTest.withStore { store in
            let count = 2500
            for index in 0..<count {
                let key = "k/" + String(repeating: "0", count: 5 - String(index).count) + String(index)
                _ = try await store.putObject(bucket: "bucket", key: key, metadata: .init(), body: FSTest.body("v"))
            }
            var token: String?
            var sizes: [Int] = []
            var last = ""
            repeat {
                let page = try await store.listObjects(bucket: "bucket", ListObjectsRequest(maxKeys: 5000, continuationToken: token))
                #expect(page.maxKeys == 1000)
                sizes.append(page.objects.count)
                #expect(page.objects.first.map { last.utf8.lexicographicallyPrecedes($0.key.utf8) } ?? true)
                last = page.objects.last?.key ?? last
                token = page.nextContinuationToken
            } while token != nil
            #expect(sizes == [1000, 1000, 500])
            let rolled = try await store.listObjects(bucket: "bucket", ListObjectsRequest(delimiter: "/"))
            #expect(rolled.commonPrefixes == ["k/"])
            #expect(rolled.objects.isEmpty)
        }
    }
}
