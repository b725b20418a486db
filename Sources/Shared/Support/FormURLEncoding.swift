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
            guard let name = PercentDecoding.decode(bytes: rawName, plusAsSpace: true),
                let value = PercentDecoding.decode(bytes: rawValue, plusAsSpace: true)
            else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }
}
