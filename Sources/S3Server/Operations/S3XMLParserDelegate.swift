import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What every parser of an S3 XML body shares: the guarded parse, element text (CDATA
/// included: a parser that dropped it would decide on other bytes than the backend sees), and
/// namespace-free element names. Subclasses override the element callbacks.
class S3XMLParserDelegate: NSObject, XMLParserDelegate {
    /// The text of the element being read; reset when an element starts.
    var text = ""

    /// Parses `bytes` with this delegate. False for a refused body (a DTD, not UTF-8) or one
    /// `XMLParser` rejects; callers still check that the root element closed, since a document
    /// cut short parses without error.
    func parse(_ bytes: [UInt8]) -> Bool {
        guard !XMLBodyGuard.refuses(bytes) else { return false }
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = self
        return parser.parse()
    }

    static func localName(_ name: String) -> String {
        name.split(separator: ":").last.map(String.init) ?? name
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        text = ""
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {}

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        text += String(decoding: CDATABlock, as: UTF8.self)
    }
}
