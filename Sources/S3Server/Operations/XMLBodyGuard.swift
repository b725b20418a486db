/// The check every XML request body passes before `XMLParser` sees it. S3 documents are UTF-8
/// and never carry a DTD: refusing a DTD outright means no entity expansion (billion laughs)
/// can happen, and refusing other encodings (a NUL byte, a UTF-16/32 byte-order mark) keeps a
/// DTD from hiding from this byte scan.
enum XMLBodyGuard {
    static func refuses(_ bytes: [UInt8]) -> Bool {
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) || bytes.contains(0) { return true }
        return contains(bytes, Array("<!DOCTYPE".utf8)) || contains(bytes, Array("<!ENTITY".utf8))
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
