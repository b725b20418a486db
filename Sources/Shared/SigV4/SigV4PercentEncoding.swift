/// Percent-encoding and decoding on raw bytes, with the exact rules SigV4 signs.
///
/// SigV4 encodes every byte except the RFC 3986 unreserved set `A–Z a–z 0–9 - . _ ~` as an
/// uppercase `%XY`. Foundation is no help here: `URLComponents` decodes `%2F` into `/`,
/// `addingPercentEncoding(.urlPathAllowed)` leaves `!'()*:@$&=,` alone and is 13× slower, and
/// `URL(string:)` quietly re-encodes. So everything here works on UTF-8 bytes with a lookup table.
public enum SigV4PercentEncoding {
    /// How a request path is turned into the canonical URI.
    public enum PathMode: Sendable, Hashable {
        /// S3: decode once, encode once, never normalise (`//`, `.` and `..` are part of the key).
        case s3
        /// Generic AWS services: additionally remove `.`/`..` segments and collapse `//`.
        /// Only the signer tests use this (the `normalize: true` suite vectors); S3 never does.
        case normalized
    }

    /// `true` for the bytes that are never encoded: `A–Z a–z 0–9 - . _ ~`.
    @usableFromInline
    static let unreserved: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] = true }
        for byte in "-._~".utf8 { table[Int(byte)] = true }
        return table
    }()

    @usableFromInline
    static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Encodes `text` (as UTF-8) with the SigV4 rule; `/` is kept when `encodeSlash` is false.
    ///
    /// Use `encodeSlash: false` for paths and `true` for query names and values.
    public static func uriEncode(_ text: some StringProtocol, encodeSlash: Bool) -> String {
        if let fast = text.utf8.withContiguousStorageIfAvailable({ uriEncode(bytes: $0, encodeSlash: encodeSlash) }) {
            return fast
        }
        return uriEncode(bytes: Array(text.utf8), encodeSlash: encodeSlash)
    }

    /// Encodes raw bytes with the SigV4 rule; `/` is kept when `encodeSlash` is false.
    public static func uriEncode(bytes: some Collection<UInt8>, encodeSlash: Bool) -> String {
        var extra = 0
        for byte in bytes where !keeps(byte, encodeSlash: encodeSlash) { extra += 2 }
        return String(unsafeUninitializedCapacity: bytes.count + extra) { buffer in
            var index = 0
            for byte in bytes {
                if keeps(byte, encodeSlash: encodeSlash) {
                    buffer[index] = byte
                    index += 1
                } else {
                    buffer[index] = UInt8(ascii: "%")
                    buffer[index + 1] = upperHex[Int(byte >> 4)]
                    buffer[index + 2] = upperHex[Int(byte & 0x0F)]
                    index += 3
                }
            }
            return index
        }
    }

    @inlinable
    static func keeps(_ byte: UInt8, encodeSlash: Bool) -> Bool {
        unreserved[Int(byte)] || (!encodeSlash && byte == UInt8(ascii: "/"))
    }

    /// Whether raw bytes are already in canonical query form: only unreserved bytes and uppercase
    /// `%XY` escapes of bytes that are not unreserved. Decoding and re-encoding such bytes gives
    /// them back unchanged, so the canonical query can copy them (presigned URLs are mostly a
    /// long base64url token, which this saves a decode and an encode of).
    static func isCanonicallyEncoded(_ bytes: some Collection<UInt8>) -> Bool {
        if let answer = bytes.withContiguousStorageIfAvailable({ isCanonicallyEncoded(buffer: $0) }) { return answer }
        return Array(bytes).withUnsafeBufferPointer { isCanonicallyEncoded(buffer: $0) }
    }

    private static func isCanonicallyEncoded(buffer bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if unreserved[Int(byte)] {
                index += 1
                continue
            }
            guard byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = upperNibble(bytes[index + 1]), let low = upperNibble(bytes[index + 2]),
                !unreserved[Int(high << 4 | low)]
            else { return false }
            index += 3
        }
        return true
    }

    /// The value of an uppercase hex digit (`0–9`, `A–F`).
    private static func upperNibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Percent-decodes raw bytes once.
    ///
    /// A `%` not followed by two hex digits is kept literally (it then re-encodes as `%25`, which
    /// is what a client signer produced for it). With `plusAsSpace`, a raw `+` decodes to a space:
    /// that is the `application/x-www-form-urlencoded` rule, which MinIO applies to query strings
    /// (Go's `url.ParseQuery`), so a raw `+` in a query canonicalises as `%20`. SDKs always send
    /// `%2B` for a literal plus, so they are unaffected. Paths never use `plusAsSpace`.
    public static func percentDecode(_ bytes: some Collection<UInt8>, plusAsSpace: Bool) -> [UInt8] {
        // Strings and their slices are contiguous: decoding through the buffer avoids the generic
        // UTF8View index walk, which was a visible share of every presigned request.
        if let decoded = bytes.withContiguousStorageIfAvailable({ percentDecode(buffer: $0, plusAsSpace: plusAsSpace) }) {
            return decoded
        }
        return percentDecode(buffer: bytes, plusAsSpace: plusAsSpace)
    }

    private static func percentDecode(buffer bytes: some Collection<UInt8>, plusAsSpace: Bool) -> [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                if first != bytes.endIndex {
                    let second = bytes.index(after: first)
                    if second != bytes.endIndex, let high = Hex.nibble(bytes[first]),
                        let low = Hex.nibble(bytes[second])
                    {
                        result.append(high << 4 | low)
                        index = bytes.index(after: second)
                        continue
                    }
                }
                result.append(byte)
            } else if plusAsSpace && byte == UInt8(ascii: "+") {
                result.append(UInt8(ascii: " "))
            } else {
                result.append(byte)
            }
            index = bytes.index(after: index)
        }
        return result
    }

    /// The canonical URI for a raw request path (as on the wire, still percent-encoded, without
    /// the query): percent-decode once, then re-encode every byte except the unreserved set and `/`.
    ///
    /// In `.s3` mode nothing is normalised: `//`, `.` and `..` are significant in S3 keys, and
    /// MinIO does the same (`s3utils.EncodePath(req.URL.Path)`). An empty path becomes `/`.
    public static func canonicalURI(rawPath: some StringProtocol, mode: PathMode = .s3) -> String {
        let decoded = percentDecode(rawPath.utf8, plusAsSpace: false)
        if decoded.isEmpty { return "/" }
        switch mode {
        case .s3:
            return uriEncode(bytes: decoded, encodeSlash: false)
        case .normalized:
            return uriEncode(bytes: removeDotSegments(decoded), encodeSlash: false)
        }
    }

    /// Generic-service path normalisation: drops empty and `.` segments, resolves `..`, and keeps
    /// a trailing slash. `//example//` → `/example/`, `/example/..` → `/`.
    static func removeDotSegments(_ path: [UInt8]) -> [UInt8] {
        var segments: [ArraySlice<UInt8>] = []
        let parts = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        for part in parts {
            if part.elementsEqual(".".utf8) { continue }
            if part.elementsEqual("..".utf8) {
                if !segments.isEmpty { segments.removeLast() }
                continue
            }
            segments.append(part)
        }
        var result: [UInt8] = [UInt8(ascii: "/")]
        for (offset, segment) in segments.enumerated() {
            if offset > 0 { result.append(UInt8(ascii: "/")) }
            result.append(contentsOf: segment)
        }
        let endsWithSlash = path.last == UInt8(ascii: "/")
        if endsWithSlash && !segments.isEmpty { result.append(UInt8(ascii: "/")) }
        return result
    }
}
