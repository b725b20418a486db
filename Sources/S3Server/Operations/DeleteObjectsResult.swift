import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The answer to DeleteObjects: one entry per key, deleted or failed.
///
/// Entries come from two places — keys the policy refused (`AccessDenied`, decided here) and
/// the backend's own outcome for the rest — so this type both renders S3's `DeleteResult` and
/// parses one from a proxied backend.
struct DeleteObjectsResult: Sendable, Equatable {
    enum Outcome: Sendable, Equatable {
        case deleted(deleteMarker: Bool?, deleteMarkerVersionID: String?)
        case failed(code: String, message: String)
    }

    struct Entry: Sendable, Equatable {
        let key: String
        let versionID: String?
        let outcome: Outcome

        static func deleted(_ object: DeleteObjectsRequest.Object) -> Entry {
            Entry(key: object.key, versionID: object.versionID, outcome: .deleted(deleteMarker: nil, deleteMarkerVersionID: nil))
        }

        static func failed(_ object: DeleteObjectsRequest.Object, code: String, message: String) -> Entry {
            Entry(key: object.key, versionID: object.versionID, outcome: .failed(code: code, message: message))
        }
    }

    var entries: [Entry]

    /// `DeleteResult` as S3 writes it; in quiet mode only the failures.
    func xml(quiet: Bool) -> String {
        var body = S3XML.declaration + "<DeleteResult xmlns=\"\(S3XML.namespace)\">"
        for entry in entries {
            let version = entry.versionID.map { "<VersionId>\(S3XML.escape($0))</VersionId>" } ?? ""
            switch entry.outcome {
            case .deleted(let marker, let markerVersion):
                if quiet { continue }
                body += "<Deleted><Key>\(S3XML.escape(entry.key))</Key>\(version)"
                if let marker { body += "<DeleteMarker>\(marker)</DeleteMarker>" }
                if let markerVersion { body += "<DeleteMarkerVersionId>\(S3XML.escape(markerVersion))</DeleteMarkerVersionId>" }
                body += "</Deleted>"
            case .failed(let code, let message):
                body += "<Error><Key>\(S3XML.escape(entry.key))</Key>\(version)<Code>\(S3XML.escape(code))</Code>"
                body += "<Message>\(S3XML.escape(message))</Message></Error>"
            }
        }
        return body + "</DeleteResult>"
    }

    init(entries: [Entry]) {
        self.entries = entries
    }

    /// Parses a backend's `DeleteResult`. Unknown elements are skipped (backends add their own);
    /// a missing root or an entry without a key is `nil`.
    init?(parsing bytes: [UInt8]) {
        let delegate = DeleteResultParserDelegate()
        guard delegate.parse(bytes), !delegate.failed, delegate.sawRoot, delegate.closedRoot else { return nil }
        self.entries = delegate.entries
    }
}

private final class DeleteResultParserDelegate: S3XMLParserDelegate {
    var entries: [DeleteObjectsResult.Entry] = []
    var failed = false
    var sawRoot = false
    var closedRoot = false
    private var depth = 0
    private var entryKind: String?
    private var fields: [String: String] = [:]


    override func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        let name = Self.localName(elementName)
        if depth == 0 {
            if name == "DeleteResult" { sawRoot = true } else { failed = true }
        } else if depth == 1 {
            entryKind = name
            fields = [:]
        }
        depth += 1
        text = ""
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        let name = Self.localName(elementName)
        depth -= 1
        if depth == 0 {
            closedRoot = true
        } else if depth == 2 {
            fields[name] = text
        } else if depth == 1, let kind = entryKind {
            entryKind = nil
            guard let key = fields["Key"] else {
                if kind == "Deleted" || kind == "Error" { failed = true }
                return
            }
            let version = fields["VersionId"].flatMap { $0.isEmpty ? nil : $0 }
            switch kind {
            case "Deleted":
                let marker = fields["DeleteMarker"].map { $0.trimmingCharacters(in: .whitespaces) == "true" }
                entries.append(.init(key: key, versionID: version, outcome: .deleted(deleteMarker: marker, deleteMarkerVersionID: fields["DeleteMarkerVersionId"])))
            case "Error":
                entries.append(.init(
                    key: key, versionID: version,
                    outcome: .failed(code: fields["Code"] ?? "InternalError", message: fields["Message"] ?? "")))
            default:
                break
            }
        }
        text = ""
    }
}
