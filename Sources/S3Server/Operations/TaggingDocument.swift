import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The body of PutObjectTagging: `<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>…</TagSet></Tagging>`.
///
/// Parsed so that `s3:RequestObjectTag/<key>` and `s3:RequestObjectTagKeys` see the tags a
/// request sets, as AWS evaluates them. S3's object tag limits apply: at most 10 tags, keys of
/// 1–128 and values of 0–256 characters, no key twice.
struct TaggingDocument: Sendable, Equatable {
    var tags: [(key: String, value: String)]

    static let maximumSize = 64 * 1024

    static func == (lhs: TaggingDocument, rhs: TaggingDocument) -> Bool {
        lhs.tags.map(\.key) == rhs.tags.map(\.key) && lhs.tags.map(\.value) == rhs.tags.map(\.value)
    }

    init(parsing bytes: [UInt8]) throws(S3Error) {
        guard bytes.count <= Self.maximumSize else { throw .xmlTooLarge(maximum: Self.maximumSize) }
        let delegate = TaggingParserDelegate()
        guard delegate.parse(bytes), !delegate.failed, delegate.closedRoot else { throw .malformedXML }
        guard delegate.tags.count <= 10 else { throw S3Error("BadRequest", "Object tags cannot be greater than 10", status: 400) }
        var seen = Set<String>()
        for tag in delegate.tags {
            guard (1...128).contains(tag.key.count), tag.value.count <= 256 else {
                throw S3Error("InvalidTag", "The TagKey or TagValue you have provided is invalid", status: 400)
            }
            guard seen.insert(tag.key).inserted else {
                throw S3Error("InvalidTag", "Cannot provide multiple Tags with the same key", status: 400)
            }
        }
        tags = delegate.tags
    }

    /// The document the backend receives: exactly the tags that were authorised, re-serialised,
    /// so that no parser difference (CDATA, entities, whitespace) can put other tags there.
    func xml() -> String {
        var body = S3XML.declaration + "<Tagging xmlns=\"\(S3XML.namespace)\"><TagSet>"
        for tag in tags { body += "<Tag><Key>\(S3XML.escape(tag.key))</Key><Value>\(S3XML.escape(tag.value))</Value></Tag>" }
        return body + "</TagSet></Tagging>"
    }

    /// The condition keys AWS derives from the tags a request sets.
    var conditionValues: [String: [String]] {
        var values: [String: [String]] = ["s3:RequestObjectTagKeys": tags.map(\.key)]
        for tag in tags { values["s3:RequestObjectTag/\(tag.key)"] = [tag.value] }
        return values
    }
}

private final class TaggingParserDelegate: S3XMLParserDelegate {
    var tags: [(key: String, value: String)] = []
    var failed = false
    var closedRoot = false
    private var path: [String] = []
    private var key: String?
    private var value: String?


    override func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        let name = Self.localName(elementName)
        let expected = ["Tagging", "TagSet", "Tag"]
        if path.count < 3 {
            if name != expected[path.count] { failed = true }
        } else if path.count == 3 {
            if name != "Key" && name != "Value" { failed = true }
        } else {
            failed = true
        }
        if path.count == 2 {
            key = nil
            value = nil
        }
        path.append(name)
        text = ""
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        let name = Self.localName(elementName)
        switch (path.count, name) {
        case (4, "Key"):
            if key != nil { failed = true }
            key = text
        case (4, "Value"):
            if value != nil { failed = true }
            value = text
        case (3, "Tag"):
            if let key { tags.append((key, value ?? "")) } else { failed = true }
        case (1, _):
            closedRoot = true
        default:
            break
        }
        path.removeLast()
        text = ""
    }
}
