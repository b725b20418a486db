/// The parts of an incoming request that SigV4 covers, exactly as received.
///
/// Build it from the raw request target (`request.head.path` in Hummingbird/NIO) and the header
/// list in arrival order. On HTTP/2 pass `:authority` as a `host` header.
public struct SigV4Request: Sendable {
    /// The HTTP method, e.g. `GET`.
    public var method: String
    /// The raw path, still percent-encoded as on the wire, without the query.
    public var rawPath: String
    /// The raw query, without the `?`; empty when there is none.
    public var rawQuery: String
    /// All request headers in arrival order; names in any case, repeats allowed.
    public var headers: [(name: String, value: String)]

    public init(method: String, rawPath: String, rawQuery: String, headers: [(name: String, value: String)]) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
    }

    /// Splits a raw request target (`/bucket/key?x=1`) at the first `?`.
    public init(method: String, requestTarget: String, headers: [(name: String, value: String)]) {
        if let question = requestTarget.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.init(
                method: method,
                rawPath: String(requestTarget[..<question]),
                rawQuery: String(requestTarget[requestTarget.index(after: question)...]),
                headers: headers
            )
        } else {
            self.init(method: method, rawPath: requestTarget, rawQuery: "", headers: headers)
        }
    }

    /// The first value of header `name` (given in lowercase), matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { CanonicalRequest.asciiCaseInsensitiveEquals($0.name, name) }?.value
    }

    /// The first value of query parameter `name` (exact, case-sensitive match on the decoded
    /// name), percent-decoded; `""` for a valueless parameter, `nil` when absent.
    public func queryParameter(_ name: String) -> String? {
        queryParameters(named: [name])[name]
    }

    /// The first value of each of `names` that the query holds, as ``queryParameter(_:)`` reads
    /// it, in one pass over the query (a presigned URL's query is long and asked for eight names).
    public func queryParameters(named names: Set<String>) -> [String: String] {
        var found: [String: String] = [:]
        var rawQuery = rawQuery
        rawQuery.withUTF8 { query in
            for component in query.split(separator: UInt8(ascii: "&")) {
                let equals = component.firstIndex(of: UInt8(ascii: "="))
                let rawName = component[component.startIndex..<(equals ?? component.endIndex)]
                let name = String(decoding: SigV4PercentEncoding.percentDecode(rawName, plusAsSpace: true), as: UTF8.self)
                guard names.contains(name), found[name] == nil else { continue }
                guard let equals else {
                    found[name] = ""
                    continue
                }
                let decoded = SigV4PercentEncoding.percentDecode(component[component.index(after: equals)...], plusAsSpace: true)
                found[name] = String(decoding: decoded, as: UTF8.self)
            }
        }
        return found
    }
}
