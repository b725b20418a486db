/// Percent-decoding on bytes, strict: a malformed escape or a result that is not UTF-8 is nil,
/// so callers can answer with an error instead of guessing.
public enum PercentDecoding {
    public static func decode(_ text: Substring, plusAsSpace: Bool) -> String? {
        decode(bytes: text.utf8, plusAsSpace: plusAsSpace)
    }

    public static func decode(bytes: some Collection<UInt8>, plusAsSpace: Bool) -> String? {
        // Strings and their slices are contiguous; iterating a UTF8View slice byte by byte
        // through its generic iterator cost more than everything else in form parsing.
        if let decoded = bytes.withContiguousStorageIfAvailable({ decode(buffer: $0, plusAsSpace: plusAsSpace) }) {
            return decoded
        }
        return Array(bytes).withUnsafeBufferPointer { decode(buffer: $0, plusAsSpace: plusAsSpace) }
    }

    static func decode(buffer: UnsafeBufferPointer<UInt8>, plusAsSpace: Bool) -> String? {
        let needsWork = buffer.contains { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }
        guard needsWork else { return String(validating: buffer, as: UTF8.self) }
        var out = [UInt8]()
        out.reserveCapacity(buffer.count)
        var index = 0
        while index < buffer.count {
            let byte = buffer[index]
            index += 1
            if byte == UInt8(ascii: "%") {
                guard index + 1 < buffer.count, let high = hex(buffer[index]), let low = hex(buffer[index + 1]) else { return nil }
                out.append(high << 4 | low)
                index += 2
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
