/// RFC 4648 §5 base64url without padding, as JOSE uses it.
public enum Base64URL {
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var utf8 = Array(Base64.encode(Array(bytes)).utf8)
        while utf8.last == UInt8(ascii: "=") { utf8.removeLast() }
        for index in utf8.indices {
            if utf8[index] == UInt8(ascii: "+") { utf8[index] = UInt8(ascii: "-") }
            else if utf8[index] == UInt8(ascii: "/") { utf8[index] = UInt8(ascii: "_") }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Decodes strictly: only the base64url alphabet, no padding, no whitespace.
    public static func decode(_ text: Substring) -> [UInt8]? {
        var standard = ""
        standard.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                standard.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "-"): standard.append("+")
            case UInt8(ascii: "_"): standard.append("/")
            default: return nil
            }
        }
        // Unpadded by definition; a length of 1 mod 4 cannot be base64.
        guard standard.utf8.count % 4 != 1 else { return nil }
        return Base64.decode(standard)
    }
}
