import Foundation
import Shared

/// Locates and reads the published SigV4 vectors in `../shared/sigv4-vectors` beside the repository.
enum SigV4Vectors {
    /// `<repo>/../shared/sigv4-vectors` (this file is `<repo>/Tests/SharedTests/SigV4/…`). Falls
    /// back to the nearest further ancestor holding `shared/sigv4-vectors`, so a checkout nested
    /// one level deeper (a scratch package) finds the same data.
    static let root: URL = {
        let repoRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // SigV4
            .deletingLastPathComponent()  // SharedTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository root
        var directory = repoRoot.deletingLastPathComponent()
        while true {
            let candidate = directory.appendingPathComponent("shared/sigv4-vectors")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return repoRoot.deletingLastPathComponent().appendingPathComponent("shared/sigv4-vectors")
    }()

    static func read(_ relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    static func readData(_ relativePath: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(relativePath))
    }

    /// The 38 cases of `v4/` (aws-c-auth's suite).
    static let v4Cases = [
        "get-header-key-duplicate", "get-header-value-multiline", "get-header-value-order", "get-header-value-trim",
        "get-relative-normalized", "get-relative-relative-normalized", "get-relative-relative-unnormalized",
        "get-relative-unnormalized", "get-slash-dot-slash-normalized", "get-slash-dot-slash-unnormalized", "get-slash-normalized",
        "get-slash-pointless-dot-normalized", "get-slash-pointless-dot-unnormalized", "get-slash-unnormalized",
        "get-slashes-normalized", "get-slashes-unnormalized", "get-space-normalized", "get-space-unnormalized", "get-unreserved",
        "get-utf8", "get-vanilla", "get-vanilla-empty-query-key", "get-vanilla-query", "get-vanilla-query-order-encoded",
        "get-vanilla-query-order-key-case", "get-vanilla-query-unreserved", "get-vanilla-utf8-query",
        "get-vanilla-with-session-token", "post-header-key-case", "post-header-key-sort", "post-header-value-case",
        "post-sts-header-after", "post-sts-header-before", "post-vanilla", "post-vanilla-empty-query-value", "post-vanilla-query",
        "post-x-www-form-urlencoded", "post-x-www-form-urlencoded-parameters",
    ]
}

/// `context.json` of a `v4/` case.
struct V4Context: Decodable {
    struct Credentials: Decodable {
        var access_key_id: String
        var secret_access_key: String
        var token: String?
    }
    var credentials: Credentials
    var expiration_in_seconds: Int64
    var normalize: Bool
    var region: String
    var service: String
    var sign_body: Bool
    var timestamp: String
    var omit_session_token: Bool?
}

/// A raw HTTP/1.1 request as written in the vector files.
struct RawHTTPRequest {
    var method: String
    var target: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var path: String { String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]) }
    var rawQuery: String {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count > 1 ? String(parts[1]) : ""
    }

    /// Parses `METHOD target HTTP/1.1\nName:value\n…\n\nbody`. The target may contain spaces
    /// (`/example space/`), so it is everything between the first and the last space. Lines
    /// starting with whitespace continue the previous header (obsolete line folding).
    init(_ text: String) {
        let headerPart: Substring
        if let range = text.range(of: "\n\n") {
            headerPart = text[..<range.lowerBound]
            body = Array(text[range.upperBound...].utf8)
        } else {
            headerPart = Substring(text)
            body = []
        }
        var lines = headerPart.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        let firstSpace = requestLine.firstIndex(of: " ")!
        let lastSpace = requestLine.lastIndex(of: " ")!
        method = String(requestLine[..<firstSpace])
        target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        headers = []
        for line in lines where !line.isEmpty {
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += " " + line
                continue
            }
            let colon = line.firstIndex(of: ":")!
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
    }

    /// Decoded query pairs, for the signer.
    var queryPairs: [(name: String, value: String)] {
        rawQuery.split(separator: "&").map { component in
            let parts = component.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                String(decoding: SigV4PercentEncoding.percentDecode(text.utf8, plusAsSpace: true), as: UTF8.self)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }

    var sigV4Request: SigV4Request {
        SigV4Request(method: method, requestTarget: target, headers: headers)
    }
}

/// `s3-doc-examples.json`.
struct S3DocExamples: Decodable {
    struct Meta: Decodable {
        var access_key: String
        var secret_key: String
        var region: String
        var service: String
    }
    struct Chunk: Decodable {
        var chunk_len: Int
        var chunk_byte: String
        var chunk_header: String
        var string_to_sign: String
        var signature: String
    }
    struct Vector: Decodable {
        var name: String
        var method: String?
        var path: String?
        var query: [[String]]?
        var headers: [String: String]?
        var signed_headers: String?
        var canonical_request: String?
        var string_to_sign: String?
        var signature: String?
        var url: String?
        var seed_signature: String?
        var chunks: [Chunk]?
    }
    var meta: Meta
    var vectors: [Vector]

    static func load() throws -> S3DocExamples {
        try JSONDecoder().decode(S3DocExamples.self, from: SigV4Vectors.readData("s3-doc-examples/s3-doc-examples.json"))
    }

    func vector(_ name: String) throws -> Vector {
        guard let vector = vectors.first(where: { $0.name == name }) else { throw VectorMissing(name: name) }
        return vector
    }

    var date: AmzDate { AmzDate(parsing: "20130524T000000Z")! }

    var signer: SigV4Signer {
        SigV4Signer(accessKeyID: meta.access_key, secretAccessKey: meta.secret_key, region: meta.region, service: meta.service)
    }
}

struct VectorMissing: Error {
    var name: String
}

extension String {
    /// Vector files sometimes end with a newline the signed text does not have.
    var trimmingTrailingNewlines: String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
