import Shared

/// The request target as the client sent it, split without `URL` (which normalises and
/// re-encodes, breaking signatures): the raw path, the raw query, and decoded views of both.
struct RequestTarget: Sendable {
    /// Still percent-encoded, exactly as on the wire; what SigV4 canonicalises.
    let rawPath: Substring
    /// Everything after the first `?`, or nil.
    let rawQuery: Substring?
    /// Decoded query parameters in order; `value` is nil for a valueless parameter (`?uploads`).
    let query: [(name: String, value: String?)]

    init(_ target: String) throws(S3Error) {
        // Split on UTF-8 bytes: the Character-level split was a visible share of small requests.
        if let question = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            rawPath = target[..<question]
            rawQuery = target[target.index(after: question)...]
        } else {
            rawPath = target[...]
            rawQuery = nil
        }
        guard rawPath.hasPrefix("/") else { throw S3Error("InvalidURI", "Couldn't parse the specified URI.", status: 400) }
        var query: [(String, String?)] = []
        if let rawQuery {
            for component in rawQuery.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
                if let equals = component.firstIndex(of: UInt8(ascii: "=")) {
                    guard let name = PercentDecoding.decode(bytes: component[..<equals], plusAsSpace: true),
                        let value = PercentDecoding.decode(bytes: component[component.index(after: equals)...], plusAsSpace: true)
                    else { throw S3Error("InvalidURI", "Couldn't parse the specified URI.", status: 400) }
                    query.append((name, value))
                } else {
                    guard let name = PercentDecoding.decode(bytes: component, plusAsSpace: true) else {
                        throw S3Error("InvalidURI", "Couldn't parse the specified URI.", status: 400)
                    }
                    query.append((name, nil))
                }
            }
        }
        // One value per parameter: a policy must see the same value the backend acts on, and
        // backends disagree on which of several values wins.
        var seen = Set<String>()
        for (name, _) in query where !seen.insert(name).inserted {
            throw S3Error.invalidArgument("The query parameter \(name) was given more than once.", name: name)
        }
        self.query = query
    }

    /// The first value of a query parameter; `""` for a valueless one.
    func parameter(_ name: String) -> String? {
        for pair in query where pair.name == name { return pair.value ?? "" }
        return nil
    }

    func has(_ name: String) -> Bool { query.contains { $0.name == name } }

    /// The bucket and key the request addresses. Virtual-hosted style (`virtualBucket` from the
    /// Host): the whole path is the key. Path style: `/bucket/key`. The key keeps `//`, `.` and
    /// `..` — they are part of S3 keys — and `/bucket/` addresses the bucket itself.
    func address(virtualBucket: String?) throws(S3Error) -> (bucket: String?, key: String?) {
        guard let virtualBucket else { return try pathStyleAddress() }
        let rawKey = rawPath.dropFirst()
        if rawKey.isEmpty { return (virtualBucket, nil) }
        guard let key = PercentDecoding.decode(rawKey, plusAsSpace: false) else {
            throw S3Error("InvalidURI", "Couldn't parse the specified URI.", status: 400)
        }
        return (virtualBucket, key)
    }

    /// Path-style addressing: `/bucket/key`.
    func pathStyleAddress() throws(S3Error) -> (bucket: String?, key: String?) {
        let path = rawPath.dropFirst()
        if path.isEmpty { return (nil, nil) }
        let slash = path.firstIndex(of: "/")
        let rawBucket = slash.map { path[..<$0] } ?? path
        guard let bucket = PercentDecoding.decode(rawBucket, plusAsSpace: false), !bucket.isEmpty else {
            throw S3Error("InvalidURI", "Couldn't parse the specified URI.", status: 400)
        }
        // A name outside S3's rules (`a%2Fb`, `..`) could be read differently by a backend than
        // by the policy check; such a bucket cannot exist, so refuse it here.
        guard BucketName.isValid(bucket) else {
            throw S3Error("InvalidBucketName", "The specified bucket is not valid.", status: 400, details: [("BucketName", bucket)])
        }
        guard let slash else { return (bucket, nil) }
        let rawKey = path[path.index(after: slash)...]
        if rawKey.isEmpty { return (bucket, nil) }
        guard let key = PercentDecoding.decode(rawKey, plusAsSpace: false) else {
            throw S3Error("InvalidURI", "Couldn't parse the specified URI.", status: 400)
        }
        return (bucket, key)
    }
}
