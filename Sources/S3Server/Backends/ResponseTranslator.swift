import Shared

/// Translates the names in a backend's XML answer back to the client's: backend bucket →
/// client bucket, backend key → key without the prefix. Applies to listings (ListObjects,
/// V2, versions, multipart uploads, parts), multipart initiate/complete answers and error
/// bodies. S3 writes these names as leaf elements without attributes, so a scan over the text
/// that rewrites exactly those elements leaves everything else byte for byte.
struct ResponseTranslator: Sendable {
    let mapping: BucketMapping
    /// `encoding-type=url`: key elements are URL-encoded.
    var urlEncodedKeys = false
    /// The request's path as the client sent it, for `Resource` in error bodies.
    var clientResource: String? = nil
    /// The client's key of the request, for `Location` in CompleteMultipartUpload.
    var clientKey: String? = nil

    static let bucketElements: Set<String> = ["Name", "Bucket", "BucketName"]
    static let keyElements: Set<String> = [
        "Key", "Prefix", "Marker", "NextMarker", "StartAfter", "KeyMarker", "NextKeyMarker",
    ]

    /// The answer with the names translated.
    func translate(_ xml: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(xml.count)
        var i = 0
        let n = xml.count
        while i < n {
            guard xml[i] == UInt8(ascii: "<") else {
                out.append(xml[i])
                i += 1
                continue
            }
            // An opening tag `<Name>` of a translated element, and its text up to `</Name>`.
            var j = i + 1
            while j < n, Self.isNameByte(xml[j]) { j += 1 }
            guard j < n, xml[j] == UInt8(ascii: ">"), j > i + 1 else {
                out.append(xml[i])
                i += 1
                continue
            }
            let name = String(decoding: xml[(i + 1)..<j], as: UTF8.self)
            guard Self.bucketElements.contains(name) || Self.keyElements.contains(name) || name == "Location" || name == "Resource",
                let close = Self.find(Array("</\(name)>".utf8), in: xml, from: j + 1),
                !xml[(j + 1)..<close].contains(UInt8(ascii: "<"))
            else {
                out.append(xml[i])
                i += 1
                continue
            }
            let text = XMLText.unescape(String(decoding: xml[(j + 1)..<close], as: UTF8.self))
            let translated = translate(element: name, text: text) ?? text
            out += xml[i...j]
            out += Array(translated.xmlEscaped.utf8)
            i = close
        }
        return out
    }

    /// One element's new text, or nil to keep it.
    func translate(element: String, text: String) -> String? {
        if Self.bucketElements.contains(element) {
            return text == mapping.backendBucket ? mapping.clientBucket : nil
        }
        if Self.keyElements.contains(element) {
            return stripKeyPrefix(text)
        }
        if element == "Location", let clientKey {
            // The backend's URL names its host, bucket and key; the client's view is the path.
            return "/" + SigV4PercentEncoding.uriEncode(mapping.clientBucket, encodeSlash: true) + "/"
                + SigV4PercentEncoding.uriEncode(clientKey, encodeSlash: false)
        }
        if element == "Resource", let clientResource { return clientResource }
        return nil
    }

    /// A key element without the key prefix; an empty element stays empty, and a value outside
    /// the prefix (which no listing restricted to it should contain) is kept.
    func stripKeyPrefix(_ value: String) -> String? {
        let prefix = mapping.keyPrefix
        if prefix.isEmpty || value.isEmpty { return nil }
        if value.hasPrefix(prefix) { return String(value.dropFirst(prefix.count)) }
        guard urlEncodedKeys else { return nil }
        return Self.stripEncoded(prefix: Array(prefix.utf8), from: value).map { String($0) }
    }

    /// Strips a raw prefix from a URL-encoded value, keeping the rest as the backend encoded it:
    /// `%XX` and (form encoding) `+` are decoded only as far as the prefix reaches.
    static func stripEncoded(prefix: [UInt8], from value: String) -> Substring? {
        let bytes = Array(value.utf8)
        var i = 0, matched = 0
        while matched < prefix.count {
            guard i < bytes.count else { return nil }
            let decoded: UInt8
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let byte = hexByte(bytes[i + 1], bytes[i + 2]) {
                decoded = byte
                i += 3
            } else if bytes[i] == UInt8(ascii: "+") {
                decoded = UInt8(ascii: " ")
                i += 1
            } else {
                decoded = bytes[i]
                i += 1
            }
            guard decoded == prefix[matched] else { return nil }
            matched += 1
        }
        return Substring(decoding: bytes[i...], as: UTF8.self)
    }

    private static func hexByte(_ high: UInt8, _ low: UInt8) -> UInt8? {
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        guard let h = value(high), let l = value(low) else { return nil }
        return h << 4 | l
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var i = start
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

/// XML character data: the five predefined entities and numeric references (escaping is `xmlEscaped`).
enum XMLText {
    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let scalar: UInt32? =
                    entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                if let scalar, let value = Unicode.Scalar(scalar) {
                    out.unicodeScalars.append(value)
                } else {
                    out += rest[amp...semi]
                }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}
