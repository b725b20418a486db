import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The body of a DeleteObjects request (`POST /bucket?delete`): the keys to delete.
///
/// ```xml
/// <Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
///   <Quiet>true</Quiet>
///   <Object><Key>photos/2006/a.jpg</Key><VersionId>3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY</VersionId></Object>
/// </Delete>
/// ```
///
/// Parsed strictly because each key is authorised separately: an element we do not understand
/// is `MalformedXML` rather than ignored, and the per-object conditions S3 added in 2024
/// (`ETag`, `LastModifiedTime`, `Size`) are `NotImplemented` rather than silently dropped —
/// dropping them would turn a conditional delete into an unconditional one. Key text is kept
/// exactly, whitespace included. A DTD is refused, so no entity expansion can happen.
struct DeleteObjectsRequest: Sendable, Equatable {
    struct Object: Sendable, Equatable {
        let key: String
        let versionID: String?
    }

    var objects: [Object]
    /// Quiet mode: the answer lists only the keys that failed.
    var quiet: Bool

    /// S3's limit on keys per request.
    static let maximumObjects = 1000
    /// 1000 keys of 1024 bytes, escaped and with version ids, stay under this.
    static let maximumSize = 4 * 1024 * 1024

    init(objects: [Object], quiet: Bool = false) {
        self.objects = objects
        self.quiet = quiet
    }

    init(parsing bytes: [UInt8]) throws(S3Error) {
        guard bytes.count <= Self.maximumSize else { throw .xmlTooLarge(maximum: Self.maximumSize) }
        let delegate = DeleteObjectsParserDelegate()
        let parsed = delegate.parse(bytes)
        if let unsupported = delegate.unsupported { throw .notImplemented("DeleteObjects with a per-object \(unsupported)") }
        // FoundationXML reports success for a document cut short, hence `closedRoot`.
        guard parsed, !delegate.failed, delegate.sawRoot, delegate.closedRoot, !delegate.objects.isEmpty,
            delegate.objects.count <= Self.maximumObjects
        else { throw .malformedXML }
        self.objects = delegate.objects
        self.quiet = delegate.quiet
    }

    /// The request body we send a backend: the same objects, never quiet, so every key's
    /// outcome comes back to be merged with the keys we refused ourselves.
    func xml() -> String {
        var body = S3XML.declaration + "<Delete xmlns=\"\(S3XML.namespace)\">"
        for object in objects {
            body += "<Object><Key>\(S3XML.escape(object.key))</Key>"
            if let version = object.versionID { body += "<VersionId>\(S3XML.escape(version))</VersionId>" }
            body += "</Object>"
        }
        return body + "</Delete>"
    }
}

/// Collects `Object` elements; any structural surprise sets `failed`.
private final class DeleteObjectsParserDelegate: S3XMLParserDelegate {
    var objects: [DeleteObjectsRequest.Object] = []
    var quiet = false
    var failed = false
    var sawRoot = false
    var closedRoot = false
    var unsupported: String?
    private var path: [String] = []
    private var key: String?
    private var versionID: String?
    private var sawQuiet = false


    override func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        let name = Self.localName(elementName)
        switch (path.count, name) {
        case (0, "Delete"): sawRoot = true
        case (1, "Object"):
            key = nil
            versionID = nil
        case (1, "Quiet"): break
        case (2, "Key"), (2, "VersionId"): break
        case (2, "ETag"), (2, "LastModifiedTime"), (2, "Size"): unsupported = unsupported ?? name
        default: failed = true
        }
        if path.count == 2 && path[1] != "Object" { failed = true }
        path.append(name)
        text = ""
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        let name = Self.localName(elementName)
        switch (path.count, name) {
        case (3, "Key"):
            if key != nil || text.isEmpty { failed = true }
            key = text
        case (3, "VersionId"):
            if versionID != nil || text.isEmpty { failed = true }
            versionID = text
        case (2, "Object"):
            if let key { objects.append(.init(key: key, versionID: versionID)) } else { failed = true }
        case (1, "Delete"):
            closedRoot = true
        case (2, "Quiet"):
            switch text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
            case "true": quiet = true
            case "false": quiet = false
            default: failed = true
            }
            if sawQuiet { failed = true }
            sawQuiet = true
        default:
            break
        }
        path.removeLast()
        text = ""
    }
}
