import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NIOCore
import Shared

/// The body of a CompleteMultipartUpload request: the part list.
///
/// ```xml
/// <CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
///   <Part><PartNumber>1</PartNumber><ETag>"a54357aff0632cce46d942af68356b38"</ETag><ChecksumCRC32>…</ChecksumCRC32></Part>
/// </CompleteMultipartUpload>
/// ```
///
/// Parsed with FoundationXML's `XMLParser` (1000 parts in ~1 ms). A part's `Checksum<ALGORITHM>`
/// element is kept for the store to compare with the stored part checksum. Order is kept as
/// sent: the store, not the parser, rejects a wrong order with `InvalidPartOrder`. A DTD is refused outright, so no entity expansion can happen.
struct CompleteMultipartUploadRequest: Sendable, Equatable {
    var parts: [CompletedPart]

    /// 10 000 parts with checksums stay well under this.
    static let defaultMaximumSize = 2 * 1024 * 1024

    /// - Throws: `InvalidRequest` when the body exceeds `maximumSize`; `MalformedXML` when it is
    ///   not well-formed, has a different root, a part without a numeric `PartNumber` or an
    ///   `ETag`, or no parts at all.
    init(parsing buffer: ByteBuffer, maximumSize: Int = defaultMaximumSize) throws(S3StoreError) {
        try self.init(parsing: Array(buffer.readableBytesView), maximumSize: maximumSize)
    }

    init(parsing bytes: [UInt8], maximumSize: Int = defaultMaximumSize) throws(S3StoreError) {
        guard bytes.count <= maximumSize else {
            throw .invalidRequest("The XML you provided was larger than the maximum of \(maximumSize) bytes")
        }
        let delegate = CompleteMultipartUploadParserDelegate()
        // FoundationXML reports success for a document cut short, hence `closedRoot`.
        guard delegate.parse(bytes), delegate.failed == false, delegate.sawRoot, delegate.closedRoot, !delegate.parts.isEmpty else {
            throw .malformedXML
        }
        self.parts = delegate.parts
    }
}

/// Collects `Part` elements; any structural surprise sets `failed`.
private final class CompleteMultipartUploadParserDelegate: S3XMLParserDelegate {
    var parts: [CompletedPart] = []
    var failed = false
    var sawRoot = false
    var closedRoot = false
    private var path: [String] = []
    private var partNumber: Int?
    private var etag: String?
    private var checksum: ObjectChecksum?


    override func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        let name = Self.localName(elementName)
        if path.isEmpty {
            if name == "CompleteMultipartUpload" { sawRoot = true } else { failed = true }
        } else if path.count == 1 && name == "Part" {
            partNumber = nil
            etag = nil
            checksum = nil
        }
        path.append(name)
        text = ""
    }

    override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        let name = Self.localName(elementName)
        if path.count == 3 && path[1] == "Part" {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            switch name {
            case "PartNumber":
                guard let number = Int(value) else {
                    failed = true
                    break
                }
                partNumber = number
            case "ETag":
                etag = value
            default:
                // ChecksumCRC32, ChecksumSHA256, …; other elements are ignored, as S3 does.
                if name.hasPrefix("Checksum"), let algorithm = ChecksumAlgorithm(rawValue: name.dropFirst("Checksum".count).lowercased()) {
                    checksum = ObjectChecksum(algorithm: algorithm, value: value)
                }
            }
        } else if path.count == 1 {
            closedRoot = true
        } else if path.count == 2 && name == "Part" {
            if let partNumber, let etag {
                parts.append(CompletedPart(partNumber: partNumber, etag: etag, checksum: checksum))
            } else {
                failed = true
            }
        }
        path.removeLast()
        text = ""
    }
}
