import Foundation
import Testing

@testable import S3Server

@Suite("Range header resolution")
struct ByteRangeTests {
    enum Expected: Sendable, Equatable {
        case whole
        case range(Int64, Int64)
        case invalid
    }

    static let cases: [(header: String?, size: Int64, expected: Expected)] = [
        (nil, 100, .whole),
        ("bytes=0-9", 100, .range(0, 9)),
        ("bytes=10-", 100, .range(10, 99)),
        ("bytes=-10", 100, .range(90, 99)),
        ("bytes=-1000", 100, .range(0, 99)),  // suffix longer than object: whole, as 206
        ("bytes=50-1000", 100, .range(50, 99)),  // end clamped
        ("bytes=99-99", 100, .range(99, 99)),
        ("bytes=100-", 100, .invalid),
        ("bytes=100-200", 100, .invalid),
        ("bytes=-0", 100, .invalid),
        ("bytes=0-", 0, .invalid),
        ("bytes=-5", 0, .invalid),
        ("bytes=5-1", 100, .whole),  // syntactically invalid: ignored
        ("bytes=0-1,5-6", 100, .whole),  // several ranges: ignored, as S3
        ("items=0-1", 100, .whole),
        ("bytes=a-b", 100, .whole),
        ("bytes=-", 100, .whole),
        ("bytes= 3-4", 100, .range(3, 4)),
    ]

    @Test(arguments: cases.indices)
    func resolve(_ index: Int) {
        let (header, size, expected) = Self.cases[index]
        let actual: Expected
        do throws(S3StoreError) {
            if let range = try ByteRange.resolve(header: header, size: size) {
                actual = .range(range.start, range.end)
                #expect(range.objectSize == size)
            } else {
                actual = .whole
            }
        } catch {
            #expect(error.code == "InvalidRange")
            #expect(error.httpStatus == 416)
            #expect(error.actualObjectSize == size)
            actual = .invalid
        }
        #expect(actual == expected, "\(header ?? "nil") on \(size) bytes")
    }

    @Test func getObjectServesRanges() async throws {
        try await FSTest.withStore { store in
            let bytes = Array("0123456789".utf8)
            _ = try await store.putObject(bucket: "bucket", key: "digits", metadata: .init(), body: FSTest.body(bytes))
            for (header, expected, contentRange) in [
                ("bytes=2-4", "234", "bytes 2-4/10"), ("bytes=7-", "789", "bytes 7-9/10"), ("bytes=-3", "789", "bytes 7-9/10"),
                ("bytes=0-100", "0123456789", "bytes 0-9/10"),
            ] {
                let content = try await store.getObject(bucket: "bucket", key: "digits", range: header)
                #expect(String(decoding: try await FSTest.collect(content.body), as: UTF8.self) == expected)
                #expect(content.range?.contentRange == contentRange)
                #expect(content.body.count == Int64(expected.utf8.count))
            }
            do {
                _ = try await store.getObject(bucket: "bucket", key: "digits", range: "bytes=10-")
                Issue.record("expected InvalidRange")
            } catch let error as S3StoreError {
                #expect(error.code == "InvalidRange")
                #expect(error.actualObjectSize == 10)
            }
        }
    }
}
