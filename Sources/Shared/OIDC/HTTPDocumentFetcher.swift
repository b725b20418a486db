public import AsyncHTTPClient
public import NIOCore
import NIOHTTP1

/// Fetches IdP documents with AsyncHTTPClient.
///
/// Hardened for a URL that an administrator configured but a third party serves:
/// - **no redirects**: a redirect could move key retrieval to a host nobody approved; the client
///   from ``makeHTTPClient(eventLoopGroup:)`` is configured with `.disallow`, and a response whose
///   `history` shows a followed redirect is refused anyway, in case a caller passes its own client;
/// - a whole-request deadline (default 5 s, as panva/jose `timeoutDuration`), because a stalled IdP
///   must not hold STS requests;
/// - a body cap (default 1 MiB): key sets are a few KiB;
/// - only status 200 counts.
public struct HTTPDocumentFetcher: OIDCDocumentFetcher {
    public let client: HTTPClient
    public let timeout: TimeAmount
    public let maximumBodySize: Int

    /// - Parameters:
    ///   - client: preferably one from ``makeHTTPClient(eventLoopGroup:)``. The caller owns it and
    ///     shuts it down.
    ///   - timeout: whole-request deadline, body included.
    ///   - maximumBodySize: larger bodies fail the fetch.
    public init(client: HTTPClient, timeout: TimeAmount = .seconds(5), maximumBodySize: Int = 1 << 20) {
        self.client = client
        self.timeout = timeout
        self.maximumBodySize = maximumBodySize
    }

    /// An HTTP client configured for IdP traffic: redirects disallowed, HTTP/1.1, connect and
    /// read timeouts, TLS verified with the system trust roots. Shut it down with `shutdown()`.
    public static func makeHTTPClient(
        eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup
    ) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .seconds(5))
        )
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
    }

    public func fetch(url: String) async throws -> OIDCFetchedDocument {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await client.execute(request, timeout: timeout)
        guard response.history.count <= 1 else {
            throw OIDCFetchError("\(url): redirected, which is not allowed")
        }
        guard response.status == .ok else {
            throw OIDCFetchError("\(url): HTTP status \(response.status.code)")
        }
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > maximumBodySize {
            throw OIDCFetchError("\(url): body of \(length) bytes exceeds \(maximumBodySize)")
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: maximumBodySize)
        } catch is NIOTooManyBytesError {
            throw OIDCFetchError("\(url): body exceeds \(maximumBodySize) bytes")
        }
        return OIDCFetchedDocument(
            body: Array(body.readableBytesView),
            cacheControlMaxAge: Self.maxAge(response.headers[canonicalForm: "Cache-Control"].map(String.init))
        )
    }

    /// `max-age` from `Cache-Control` values. `no-store`/`no-cache` count as 0 (the key store then
    /// applies its lower bound). Malformed directives are ignored.
    static func maxAge(_ values: [String]) -> Int? {
        var result: Int?
        for value in values {
            for directive in value.split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1)
                let name = trimmed(parts[0]).lowercased()
                switch name {
                case "no-store", "no-cache":
                    result = 0
                case "max-age" where parts.count == 2:
                    var raw = trimmed(parts[1])
                    if raw.count >= 2, raw.hasPrefix("\""), raw.hasSuffix("\"") { raw = raw.dropFirst().dropLast() }
                    if let seconds = Int(raw), seconds >= 0, result != 0 { result = seconds }
                default:
                    continue
                }
            }
        }
        return result
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
