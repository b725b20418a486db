/// `application/x-www-form-urlencoded` parsing, as STS's Query protocol uses it.
public enum FormURLEncoding {
    /// Splits `a=1&b=2` into decoded pairs, keeping order and repeats. `+` is a space in forms.
    /// Returns nil when a percent escape is malformed or the result is not UTF-8.
    public static func parse(_ text: some StringProtocol) -> [(name: String, value: String)]? {
        var pairs: [(String, String)] = []
        for component in text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = component.firstIndex(of: UInt8(ascii: "="))
            let rawName = equals.map { component[component.startIndex..<$0] } ?? component[...]
            let rawValue = equals.map { component[component.index(after: $0)...] } ?? component[component.endIndex...]
            guard let name = decode(rawName), let value = decode(rawValue) else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    static func decode(_ bytes: some Collection<UInt8>) -> String? {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                out.append(0x20)
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                out.append(high << 4 | low)
            default:
                out.append(byte)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
