import Foundation
#if canImport(FoundationXML)
import FoundationXML
#else
import Foundation
#endif
import Shared

/// Reads bucket names and creation dates out of a backend's `ListAllMyBucketsResult`.
final class BucketListParser: S3XMLParserDelegate {
    private var buckets: [BucketSummary] = []
    private var name: String?
    private var created: Int64 = 0

    static func parse(_ bytes: [UInt8]) -> [BucketSummary] {
        let delegate = BucketListParser()
        _ = delegate.parse(bytes)
        return delegate.buckets
    }

    override func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        text = ""
        if elementName == "Bucket" {
            name = nil
            created = 0
        }
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        switch elementName {
        case "Name": name = text
        case "CreationDate": created = Self.epoch(text)
        case "Bucket": if let name { buckets.append(BucketSummary(name: name, creationDate: created)) }
        default: break
        }
    }

    /// `2026-12-01T13:15:02.000Z` → epoch seconds (timegm on fixed fields; no DateFormatter).
    static func epoch(_ text: String) -> Int64 {
        let digits = Array(text.utf8)
        guard digits.count >= 19 else { return 0 }
        func number(_ range: Range<Int>) -> Int32 {
            digits[range].reduce(0) { $0 * 10 + Int32($1 &- 48) }
        }
        var parts = tm()
        parts.tm_year = number(0..<4) - 1900
        parts.tm_mon = number(5..<7) - 1
        parts.tm_mday = number(8..<10)
        parts.tm_hour = number(11..<13)
        parts.tm_min = number(14..<16)
        parts.tm_sec = number(17..<19)
        return Int64(timegm(&parts))
    }
}
