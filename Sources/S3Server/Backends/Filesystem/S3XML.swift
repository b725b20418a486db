/// S3 XML responses written as escaped string templates (no XML encoder: see swift-stack.md §8).
///
/// Element names, order and the `http://s3.amazonaws.com/doc/2006-03-01/` namespace follow AWS's
/// responses, since some SDK parsers are stricter than the schema. Listing renderers live in
/// `ListBucketResultXML.swift`, multipart ones in `MultipartXML.swift`.
enum S3XML {
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    static let namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    /// Escapes text for element content and attribute values.
    ///
    /// Besides the five XML entities, `\r`, `\n` and `\t` are written as character references
    /// (AWS does this for keys, and a raw `\r` would be normalised away by parsers); other C0
    /// control characters, which XML 1.0 cannot carry at all, are written as `&#xN;` too (as S3 does;
    /// clients should ask for `encoding-type=url` for such keys).
    static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) else {
            return text
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "\""): out += Array("&quot;".utf8)
            case UInt8(ascii: "'"): out += Array("&apos;".utf8)
            case 0x0D: out += Array("&#13;".utf8)
            case 0x0A: out += Array("&#10;".utf8)
            case 0x09: out += Array("&#9;".utf8)
            case ..<0x20: out += Array("&#x\(String(byte, radix: 16, uppercase: true));".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes for `encoding-type=url`: everything but RFC 3986 unreserved characters
    /// and `/`, as UTF-8 bytes, uppercase hex. Spaces become `%20`, which both `unquote` and
    /// botocore's `unquote_plus` decode correctly (a literal `+` becomes `%2B`).
    static func urlEncode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `<Name>escaped value</Name>`.
    static func element(_ name: String, _ value: String) -> String {
        "<\(name)>\(escape(value))</\(name)>"
    }

    static func owner(_ owner: S3Owner, element name: String = "Owner") -> String {
        "<\(name)>" + element("ID", owner.id) + element("DisplayName", owner.displayName) + "</\(name)>"
    }

    /// `ListAllMyBucketsResult`, the ListBuckets response.
    static func listAllMyBuckets(_ buckets: [BucketInfo], owner: S3Owner) -> String {
        var xml = declaration + "<ListAllMyBucketsResult xmlns=\"\(namespace)\">"
        xml += self.owner(owner)
        xml += "<Buckets>"
        for bucket in buckets {
            xml += "<Bucket>" + element("Name", bucket.name)
            xml += element("CreationDate", S3DateFormat.iso8601Milliseconds(bucket.creationDate)) + "</Bucket>"
        }
        xml += "</Buckets></ListAllMyBucketsResult>"
        return xml
    }

    /// `LocationConstraint` for GetBucketLocation; an empty element means us-east-1, as in S3.
    static func locationConstraint(_ region: String?) -> String {
        let value = region == nil || region == "us-east-1" ? "" : escape(region!)
        return declaration + "<LocationConstraint xmlns=\"\(namespace)\">\(value)</LocationConstraint>"
    }
}
