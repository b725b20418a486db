/// The client-supplied metadata S3 stores with an object and returns on GET/HEAD.
///
/// Only what S3 itself round-trips: `Content-Type` (S3's default is `binary/octet-stream`),
/// the four representation headers, `Expires`, and `x-amz-meta-*` user metadata. Header values
/// are kept verbatim (`expires` is not parsed: S3 returns whatever string the client sent).
struct ObjectMetadata: Sendable, Equatable, Codable {
    /// The type S3 reports when a PUT carried no `Content-Type`.
    static let defaultContentType = "binary/octet-stream"

    var contentType: String
    var contentEncoding: String?
    var contentDisposition: String?
    var contentLanguage: String?
    var cacheControl: String?
    var expires: String?
    /// User metadata: the header name after `x-amz-meta-`, lowercased, mapped to its value.
    var userMetadata: [String: String]

    init(
        contentType: String? = nil,
        contentEncoding: String? = nil,
        contentDisposition: String? = nil,
        contentLanguage: String? = nil,
        cacheControl: String? = nil,
        expires: String? = nil,
        userMetadata: [String: String] = [:]
    ) {
        self.contentType = contentType ?? Self.defaultContentType
        self.contentEncoding = contentEncoding
        self.contentDisposition = contentDisposition
        self.contentLanguage = contentLanguage
        self.cacheControl = cacheControl
        self.expires = expires
        var lowered: [String: String] = [:]
        for (name, value) in userMetadata { lowered[name.lowercased()] = value }
        self.userMetadata = lowered
    }

    /// Builds metadata from request header (name, value) pairs, in any letter case.
    ///
    /// Recognises `content-type`, `content-encoding`, `content-disposition`, `content-language`,
    /// `cache-control`, `expires` and `x-amz-meta-*`; ignores everything else. Repeated
    /// `x-amz-meta-` headers are comma-joined, as S3 does.
    init<Headers: Sequence>(headers: Headers) where Headers.Element == (name: String, value: String) {
        self.init()
        for (rawName, value) in headers {
            let name = rawName.lowercased()
            switch name {
            case "content-type": contentType = value
            case "content-encoding": contentEncoding = value
            case "content-disposition": contentDisposition = value
            case "content-language": contentLanguage = value
            case "cache-control": cacheControl = value
            case "expires": expires = value
            default:
                guard name.hasPrefix("x-amz-meta-") else { continue }
                let key = String(name.dropFirst("x-amz-meta-".count))
                if let existing = userMetadata[key] {
                    userMetadata[key] = existing + "," + value
                } else {
                    userMetadata[key] = value
                }
            }
        }
    }

    /// The response headers for GET/HEAD, in a stable order (user metadata sorted by name).
    var responseHeaders: [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("Content-Type", contentType)]
        if let contentEncoding { headers.append(("Content-Encoding", contentEncoding)) }
        if let contentDisposition { headers.append(("Content-Disposition", contentDisposition)) }
        if let contentLanguage { headers.append(("Content-Language", contentLanguage)) }
        if let cacheControl { headers.append(("Cache-Control", cacheControl)) }
        if let expires { headers.append(("Expires", expires)) }
        for name in userMetadata.keys.sorted() {
            headers.append(("x-amz-meta-" + name, userMetadata[name]!))
        }
        return headers
    }
}
