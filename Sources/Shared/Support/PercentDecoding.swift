/// Percent-decoding on bytes, strict: a malformed escape or a result that is not UTF-8 is nil,
/// so callers can answer with an error instead of guessing.
public enum PercentDecoding {
    public static func decode(_ text: Substring, plusAsSpace: Bool) -> String? {
        decode(bytes: text.utf8, plusAsSpace: plusAsSpace)
    }

    public static func decode(bytes: some Collection<UInt8>, plusAsSpace: Bool) -> String? {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hex), let low = iterator.next().flatMap(hex) else { return nil }
                out.append(high << 4 | low)
            } else if plusAsSpace && byte == UInt8(ascii: "+") {
                out.append(0x20)
            } else {
                out.append(byte)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
