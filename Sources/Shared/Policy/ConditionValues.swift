/// The request's condition key values, looked up case-insensitively.
///
/// IAM condition key names are case-insensitive (`aws:SourceIp` and `aws:sourceip` are the same
/// key) while their values are not; keys are lower-cased once here so that each lookup during
/// evaluation is a plain dictionary access. Every key may carry several values (for example
/// `s3:RequestObjectTagKeys`); an empty list counts as missing.
public struct ConditionValues: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private var storage: [String: [String]]

    /// Builds the map; keys that differ only in case are merged.
    public init(_ values: [String: [String]] = [:]) {
        var storage: [String: [String]] = [:]
        storage.reserveCapacity(values.count)
        for (key, list) in values { storage[key.lowercased(), default: []].append(contentsOf: list) }
        self.storage = storage
    }

    public init(dictionaryLiteral elements: (String, [String])...) {
        self.init(Dictionary(elements, uniquingKeysWith: +))
    }

    /// The values of `key` (any case), or `nil` when the key is absent.
    public subscript(key: String) -> [String]? {
        get { storage[key.lowercased()] }
        set { storage[key.lowercased()] = newValue }
    }

    /// Lookup for a key already lower-cased at load time.
    func lowercasedLookup(_ key: String) -> [String]? { storage[key] }
}
