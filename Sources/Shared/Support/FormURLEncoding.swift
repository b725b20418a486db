/// `application/x-www-form-urlencoded` parsing, as STS's Query protocol uses it.
public enum FormURLEncoding {
    /// Splits `a=1&b=2` into decoded pairs, keeping order and repeats. `+` is a space in forms.
    /// Returns nil when a percent escape is malformed or the result is not UTF-8.
    public static func parse(_ text: some StringProtocol) -> [(name: String, value: String)]? {
        // Strings are contiguous UTF-8: split the buffer itself, not the generic UTF-8 view
        // (which, per request, cost STS as much as verifying the token's RSA signature).
        if let pairs = text.utf8.withContiguousStorageIfAvailable({ parse(buffer: $0) }) { return pairs }
        return Array(text.utf8).withUnsafeBufferPointer { parse(buffer: $0) }
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>) -> [(name: String, value: String)]? {
        var pairs: [(name: String, value: String)] = []
        var start = 0
        while start < buffer.count {
            let end = buffer[start...].firstIndex(of: UInt8(ascii: "&")) ?? buffer.count
            defer { start = end + 1 }
            if end == start { continue }  // empty components (`a=1&&b=2`) are skipped
            let component = UnsafeBufferPointer(rebasing: buffer[start..<end])
            let equals = component.firstIndex(of: UInt8(ascii: "=")) ?? component.count
            guard let name = PercentDecoding.decode(buffer: UnsafeBufferPointer(rebasing: component[..<equals]), plusAsSpace: true),
                let value = PercentDecoding.decode(
                    buffer: UnsafeBufferPointer(rebasing: component[min(equals + 1, component.count)...]), plusAsSpace: true)
            else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }
}
