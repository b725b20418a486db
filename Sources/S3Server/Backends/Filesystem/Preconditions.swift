import Foundation
import HTTPTypes
import Shared

/// S3's conditional request headers (RFC 9110 §13, with S3's precedence): `If-Match` and
/// `If-Unmodified-Since` guard against changes (412), `If-None-Match` and `If-Modified-Since`
/// save a transfer (304 for reads, 412 for writes). `If-Match` overrides `If-Unmodified-Since`
/// and `If-None-Match` overrides `If-Modified-Since`, as S3 documents for GetObject.
struct Preconditions: Sendable {
    var ifMatch: String?
    var ifNoneMatch: String?
    var ifModifiedSince: Int64?
    var ifUnmodifiedSince: Int64?

    enum Outcome: Equatable {
        case proceed
        /// The object is the one the client has: 304 for GET/HEAD, 412 for writes and copies.
        case notModified(condition: String)
        case failed(condition: String)
    }

    init(ifMatch: String? = nil, ifNoneMatch: String? = nil, ifModifiedSince: Int64? = nil, ifUnmodifiedSince: Int64? = nil) {
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.ifUnmodifiedSince = ifUnmodifiedSince
    }

    /// The plain headers, or the `x-amz-copy-source-if-*` ones of a copy.
    init(_ headers: HTTPFields, prefix: String = "") {
        func header(_ name: String) -> String? { headers[HTTPField.Name(prefix + name)!] }
        ifMatch = header("if-match")
        ifNoneMatch = header("if-none-match")
        // An unparseable date is ignored, as HTTP requires.
        ifModifiedSince = header("if-modified-since").flatMap(HTTPDate.parse)
        ifUnmodifiedSince = header("if-unmodified-since").flatMap(HTTPDate.parse)
    }

    var isEmpty: Bool { ifMatch == nil && ifNoneMatch == nil && ifModifiedSince == nil && ifUnmodifiedSince == nil }

    /// - Parameters:
    ///   - etag: the current object's ETag (quoted), or `nil` when there is none.
    ///   - lastModified: its modification time, epoch seconds.
    func evaluate(etag: String?, lastModified: Int64?) -> Outcome {
        if let ifMatch {
            guard let etag, Self.matches(ifMatch, etag: etag, weakMatches: false) else { return .failed(condition: "If-Match") }
        } else if let ifUnmodifiedSince, let lastModified, lastModified > ifUnmodifiedSince {
            return .failed(condition: "If-Unmodified-Since")
        }
        if let ifNoneMatch {
            if let etag, Self.matches(ifNoneMatch, etag: etag) { return .notModified(condition: "If-None-Match") }
        } else if let ifModifiedSince, let lastModified, lastModified <= ifModifiedSince {
            return .notModified(condition: "If-Modified-Since")
        }
        return .proceed
    }

    /// Whether an entity-tag list (`"a", "b"` or `*`) names `etag`; quotes are optional. A weak
    /// tag (`W/"a"`) matches only where HTTP allows the weak comparison (If-None-Match).
    static func matches(_ list: String, etag: String, weakMatches: Bool = true) -> Bool {
        let bare = etag.trimmingCharacters(in: ["\""])
        return list.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") {
                guard weakMatches else { return false }
                tag.removeFirst(2)
            }
            return tag.trimmingCharacters(in: ["\""]) == bare
        }
    }

    static func failure(_ condition: String) -> S3Error {
        S3Error(
            "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", status: 412,
            details: [("Condition", condition)])
    }
}
