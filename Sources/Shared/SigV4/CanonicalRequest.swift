/// The SigV4 canonical request, built from raw request bytes, and the string to sign over it.
///
/// ```
/// METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n \n SignedHeaders \n HashedPayload
/// ```
///
/// Every piece is built from what was on the wire (the raw request target and the header list),
/// never from a parsed-and-reserialised `URL`: `URLComponents` decodes `%2F`, keeps `+`, and
/// re-encodes differently from any client signer.
/// See https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
public struct CanonicalRequest: Sendable, Hashable {
    public var method: String
    /// Canonical URI, already encoded.
    public var uri: String
    /// Canonical query string, already encoded and sorted.
    public var query: String
    /// The canonical header block: `name:value\n` per signed header, sorted.
    public var headers: String
    /// `a;b;c`: the signed header names, lowercase and sorted.
    public var signedHeaders: String
    /// The payload hash or mode string (`UNSIGNED-PAYLOAD`, hex SHA-256, `STREAMING-…`).
    public var payloadHash: String

    public init(method: String, uri: String, query: String, headers: String, signedHeaders: String, payloadHash: String) {
        self.method = method
        self.uri = uri
        self.query = query
        self.headers = headers
        self.signedHeaders = signedHeaders
        self.payloadHash = payloadHash
    }

    /// The canonical request text.
    public var text: String {
        "\(method)\n\(uri)\n\(query)\n\(headers)\n\(signedHeaders)\n\(payloadHash)"
    }

    /// The string to sign for this canonical request at `date` in `scope`.
    public func stringToSign(date: AmzDate, scope: SigV4Scope) -> String {
        Self.stringToSign(amzDate: date.text, scope: scope, canonicalRequestHash: SigV4SigningKey.sha256Hex(text))
    }

    /// `AWS4-HMAC-SHA256 \n <X-Amz-Date> \n <scope> \n hex(sha256(canonical request))`.
    public static func stringToSign(amzDate: String, scope: SigV4Scope, canonicalRequestHash: String) -> String {
        "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope.string)\n\(canonicalRequestHash)"
    }

    // MARK: - Query

    /// The canonical query string for a raw query (the bytes after `?`, as on the wire).
    ///
    /// Splits on `&` and the first `=`, percent-decodes names and values once (a raw `+` decodes
    /// to a space, as MinIO does, so it canonicalises as `%20`), re-encodes them with the
    /// unreserved set, sorts by encoded name then value, and writes a valueless `acl` as `acl=`.
    /// Empty components (`a=1&&b=2`) are ignored. With `droppingSignature`, `X-Amz-Signature` is
    /// left out, as presigned URLs require; every other parameter is kept, unknown ones included.
    public static func canonicalQuery(rawQuery: some StringProtocol, droppingSignature: Bool) -> String {
        var pairs: [(name: String, value: String)] = []
        for component in rawQuery.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let name: String
            let value: String
            if let equals = component.firstIndex(of: UInt8(ascii: "=")) {
                name = encodeQueryComponent(component[component.startIndex..<equals])
                value = encodeQueryComponent(component[component.index(after: equals)...])
            } else {
                name = encodeQueryComponent(component)
                value = ""
            }
            if droppingSignature && name == "X-Amz-Signature" { continue }
            pairs.append((name, value))
        }
        return joinSorted(pairs)
    }

    /// The canonical query string for decoded `(name, value)` pairs (what a signer holds).
    public static func canonicalQuery(pairs: [(name: String, value: String)]) -> String {
        joinSorted(
            pairs.map {
                (SigV4PercentEncoding.uriEncode($0.name, encodeSlash: true), SigV4PercentEncoding.uriEncode($0.value, encodeSlash: true))
            }
        )
    }

    private static func encodeQueryComponent(_ raw: some Collection<UInt8>) -> String {
        if SigV4PercentEncoding.isCanonicallyEncoded(raw) { return String(decoding: raw, as: UTF8.self) }
        return SigV4PercentEncoding.uriEncode(bytes: SigV4PercentEncoding.percentDecode(raw, plusAsSpace: true), encodeSlash: true)
    }

    private static func joinSorted(_ pairs: [(name: String, value: String)]) -> String {
        // Encoded names and values are ASCII, so byte order equals the code-point order AWS uses.
        let sorted = pairs.sorted { lhs, rhs in
            lhs.name != rhs.name ? lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8) : lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
        }
        var result = ""
        for (offset, pair) in sorted.enumerated() {
            if offset > 0 { result += "&" }
            result += pair.name
            result += "="
            result += pair.value
        }
        return result
    }

    // MARK: - Headers

    /// The canonical header block for `signedHeaders` (lowercase names) taken from `headers`.
    ///
    /// Header names match case-insensitively; each value is trimmed and internal whitespace runs
    /// (including obsolete line folding) collapse to one space; repeated headers join with `,` in
    /// arrival order. A signed header that is not in the request is an error, because the client
    /// signed something the server cannot see.
    public static func canonicalHeaders(
        signedHeaders: [String],
        headers: [(name: String, value: String)]
    ) throws(SigV4Error) -> String {
        var result = ""
        for name in signedHeaders.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            var values: [String] = []
            for header in headers where asciiCaseInsensitiveEquals(header.name, name) {
                values.append(normalizeValue(header.value))
            }
            guard !values.isEmpty else { throw .signedHeaderMissing(name) }
            result += name
            result += ":"
            result += values.joined(separator: ",")
            result += "\n"
        }
        return result
    }

    /// Trims a header value and collapses runs of whitespace (space, tab, CR, LF) to one space.
    public static func normalizeValue(_ value: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                pendingSpace = !bytes.isEmpty
            default:
                if pendingSpace {
                    bytes.append(UInt8(ascii: " "))
                    pendingSpace = false
                }
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// ASCII case-insensitive comparison of a header name with a lowercase name.
    static func asciiCaseInsensitiveEquals(_ name: some StringProtocol, _ lowercase: some StringProtocol) -> Bool {
        name.utf8.elementsEqual(lowercase.utf8) { lhs, rhs in
            (lhs >= UInt8(ascii: "A") && lhs <= UInt8(ascii: "Z") ? lhs | 0x20 : lhs) == rhs
        }
    }

    /// ASCII-lowercases a header name.
    static func lowercased(_ name: some StringProtocol) -> String {
        String(decoding: name.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
