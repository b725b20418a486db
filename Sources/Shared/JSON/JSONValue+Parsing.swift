extension JSONValue {
    /// Parses one JSON text from its UTF-8 bytes with ``StrictJSONReader``; nil when it is not
    /// valid JSON, repeats a member name, nests deeper than 64, or holds a number that does not
    /// fit a `Double`.
    ///
    /// Tokens arrive from anyone: a JWT's header and claims are parsed on every
    /// `AssumeRoleWithWebIdentity`. `JSONDecoder` into `JSONValue` had to try each type in turn
    /// and build a `DecodingError` for every miss, which made JSON the largest single cost of a
    /// request; it also took the last of two equal member names (RFC 7519 §4 allows rejecting or
    /// taking the last; two readers of one token must not disagree on its `sub`).
    public init?(parsing bytes: some Collection<UInt8>) {
        guard let document = try? StrictJSONReader.parse(Array(bytes)), let value = JSONValue(document) else { return nil }
        self = value
    }

    /// The members of a JSON text that is an object; nil for anything else.
    public static func parseObject(_ bytes: some Collection<UInt8>) -> [String: JSONValue]? {
        JSONValue(parsing: bytes)?.objectValue
    }

    /// The reader's document as a value tree (member names are already unique).
    init?(_ document: OrderedJSON) {
        switch document {
        case .object(let members):
            var object: [String: JSONValue] = [:]
            object.reserveCapacity(members.count)
            for (key, member) in members {
                guard let value = JSONValue(member) else { return nil }
                object[key] = value
            }
            self = .object(object)
        case .array(let elements):
            var array: [JSONValue] = []
            array.reserveCapacity(elements.count)
            for element in elements {
                guard let value = JSONValue(element) else { return nil }
                array.append(value)
            }
            self = .array(array)
        case .string(let text): self = .string(text)
        case .number(let text):
            guard let number = Double(text), number.isFinite else { return nil }
            self = .number(number)
        case .bool(let flag): self = .bool(flag)
        case .null: self = .null
        }
    }
}
