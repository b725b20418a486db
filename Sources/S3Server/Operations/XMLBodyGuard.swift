/// The check every XML body passes before `XMLParser` sees it: S3 documents never carry a
/// DTD, and refusing one outright means no entity expansion (billion laughs) can happen.
enum XMLBodyGuard {
    static func declaresDTD(_ bytes: [UInt8]) -> Bool {
        contains(bytes, Array("<!DOCTYPE".utf8)) || contains(bytes, Array("<!ENTITY".utf8))
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
