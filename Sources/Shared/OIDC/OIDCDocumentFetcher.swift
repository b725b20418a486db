/// A JSON document retrieved from an identity provider.
public struct OIDCFetchedDocument: Sendable, Hashable {
    /// The response body.
    public var body: [UInt8]
    /// `max-age` from the response's `Cache-Control`, in seconds, when present.
    public var cacheControlMaxAge: Int?

    public init(body: [UInt8], cacheControlMaxAge: Int? = nil) {
        self.body = body
        self.cacheControlMaxAge = cacheControlMaxAge
    }
}

/// Retrieves IdP documents (discovery and JWKS) by URL.
///
/// The seam between key management and the network: production uses ``HTTPDocumentFetcher``;
/// tests substitute an in-memory fake to count requests and inject failures without sockets.
public protocol OIDCDocumentFetcher: Sendable {
    /// Fetches `url` with a GET and returns its body.
    ///
    /// - Throws: anything on failure (transport error, non-200 status, oversized body). The key
    ///   store only logs the error and keeps serving its last good key set.
    func fetch(url: String) async throws -> OIDCFetchedDocument
}

/// Why ``HTTPDocumentFetcher`` refused a response.
public struct OIDCFetchError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
