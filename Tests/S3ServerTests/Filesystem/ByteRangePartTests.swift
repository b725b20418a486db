import Foundation
import Testing

@testable import S3Server

@Suite("GET ?partNumber= ranges")
struct ByteRangePartTests {
    private func object(size: Int64, parts: [Int64]? = nil, partsCount: Int? = nil) -> ObjectInfo {
        ObjectInfo(
            key: "k", size: size, etag: "\"e\"", lastModified: Date(timeIntervalSince1970: 0), metadata: ObjectMetadata(),
            partsCount: partsCount ?? parts?.count, partSizes: parts)
    }

    /// (object size, part sizes or nil for a single PUT, part asked for) → (start, end) or nil for the whole object.
    @Test(arguments: [
        (Int64(10), [Int64]?.none, 1, (Int64(0), Int64(9))),
        (27, [12, 12, 3], 1, (0, 11)),
        (27, [12, 12, 3], 2, (12, 23)),
        (27, [12, 12, 3], 3, (24, 26)),
        (24, [12, 12, 0], 3, (24, 23)),  // an empty last part: an empty range at the end
    ] as [(Int64, [Int64]?, Int, (Int64, Int64))])
    func partBoundaries(size: Int64, parts: [Int64]?, number: Int, expected: (Int64, Int64)) throws {
        let range = try #require(try ByteRange.part(number, of: object(size: size, parts: parts)))
        #expect(range.start == expected.0 && range.end == expected.1 && range.objectSize == size)
    }

    @Test func partOneOfAnEmptyObjectIsTheWholeObject() throws {
        #expect(try ByteRange.part(1, of: object(size: 0)) == nil)
    }

    @Test(arguments: [
        (Int64(10), [Int64]?.none, 2),
        (27, [12, 12, 3], 4),
        (0, nil, 2),
    ] as [(Int64, [Int64]?, Int)])
    func beyondTheLastPartIsUnsatisfiable(size: Int64, parts: [Int64]?, number: Int) {
        #expect(throws: S3StoreError.invalidPartNumber(actualSize: size)) { try ByteRange.part(number, of: object(size: size, parts: parts)) }
    }

    @Test func multipartObjectWithoutRecordedSizesIsNotGuessed() {
        #expect { try ByteRange.part(1, of: object(size: 27, partsCount: 3)) } throws: { ($0 as? S3StoreError)?.code == "NotImplemented" }
        // Beyond the count it is still the client's mistake.
        #expect(throws: S3StoreError.invalidPartNumber(actualSize: 27)) { try ByteRange.part(4, of: object(size: 27, partsCount: 3)) }
    }
}
