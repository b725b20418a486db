/// A single satisfiable byte range of an object, resolved against its size.
///
/// S3 follows RFC 9110 §14 for GET `Range`, with two S3 habits: a header it cannot parse, and a
/// header with *several* ranges, are ignored (the whole object is served with `200`); a
/// well-formed range that starts beyond the object is `416 InvalidRange`.
struct ByteRange: Sendable, Equatable {
    /// First byte, inclusive.
    var start: Int64
    /// Last byte, inclusive (already clamped to `size - 1`).
    var end: Int64
    /// The full object size, for `Content-Range`.
    var objectSize: Int64

    var length: Int64 { end - start + 1 }

    /// The `Content-Range` header value, `bytes 0-99/1234`.
    var contentRange: String { "bytes \(start)-\(end)/\(objectSize)" }

    /// Resolves a raw `Range` header value against an object of `size` bytes.
    ///
    /// - Returns: the range to serve, or `nil` when the whole object should be served
    ///   (no header, an unparsable header, or several ranges).
    /// - Throws: ``S3StoreError/invalidRange(actualSize:)`` when the range is well-formed but
    ///   unsatisfiable: first byte at or past the end, or a zero-length suffix.
    static func resolve(header: String?, size: Int64) throws(S3StoreError) -> ByteRange? {
        guard let header, let spec = parse(header) else { return nil }
        switch spec {
        case .fromTo(let first, let last):
            guard first < size else { throw .invalidRange(actualSize: size) }
            return ByteRange(start: first, end: min(last, size - 1), objectSize: size)
        case .from(let first):
            guard first < size else { throw .invalidRange(actualSize: size) }
            return ByteRange(start: first, end: size - 1, objectSize: size)
        case .suffix(let count):
            guard count > 0, size > 0 else { throw .invalidRange(actualSize: size) }
            return ByteRange(start: max(0, size - count), end: size - 1, objectSize: size)
        }
    }

    /// A parsed single range spec, before it meets the object size.
    enum Spec: Equatable {
        case fromTo(Int64, Int64)
        case from(Int64)
        case suffix(Int64)
    }

    /// Parses `bytes=a-b`, `bytes=a-` or `bytes=-n`; `nil` for anything else, including lists.
    static func parse(_ header: String) -> Spec? {
        var text = Substring(header).utf8.drop { $0 == UInt8(ascii: " ") }
        let unit = Array("bytes=".utf8)
        guard text.starts(with: unit) else { return nil }
        text = text.dropFirst(unit.count)
        let trimmed = Array(text).trimmingSpaces()
        guard !trimmed.contains(UInt8(ascii: ",")),
            let dash = trimmed.firstIndex(of: UInt8(ascii: "-"))
        else { return nil }
        let left = trimmed[..<dash]
        let right = trimmed[(dash + 1)...]
        switch (number(left), number(right)) {
        case (nil, let count?) where left.isEmpty:
            return .suffix(count)
        case (let first?, nil) where right.isEmpty:
            return .from(first)
        case (let first?, let last?) where first <= last:
            return .fromTo(first, last)
        default:
            return nil
        }
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int64? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value: Int64 = 0
        for c in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) else { return nil }
            value = value * 10 + Int64(c - UInt8(ascii: "0"))
        }
        return value
    }
}

extension Array where Element == UInt8 {
    fileprivate func trimmingSpaces() -> [UInt8] {
        let isSpace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return [] }
        return Array(self[first...last])
    }
}
