import HTTPTypes
import Shared

/// What the client did, as opposed to what the last hop did: behind a trusted load balancer the
/// client's address, Host and scheme arrive in `X-Forwarded-*` headers. Those headers are
/// believed only when the socket peer is a configured trusted proxy; anyone else could forge
/// them (fakes3pp took `aws:SourceIp` from any client's X-Forwarded-For).
struct ForwardedRequest: Sendable {
    /// The client address for `aws:SourceIp`.
    let sourceIP: String?
    /// The Host the client signed.
    let authority: String?
    /// Whether the client's connection was TLS (`aws:SecureTransport`).
    let secure: Bool

    struct Policy: Sendable {
        let trustedProxies: [IPAddressRange]

        func isTrusted(_ address: String?) -> Bool {
            guard let address else { return false }
            return trustedProxies.contains { $0.contains(address) }
        }
    }

    init(peer: String?, authority: String?, listenerIsTLS: Bool, headers: HTTPFields, policy: Policy) {
        guard policy.isTrusted(peer) else {
            self.sourceIP = peer
            self.authority = authority
            self.secure = listenerIsTLS
            return
        }
        // X-Forwarded-For: client, proxy1, proxy2 — walk from the right past trusted proxies.
        var source = peer
        if let forwarded = headers[HTTPField.Name("X-Forwarded-For")!] {
            let hops = forwarded.split(separator: ",").map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
            source = hops.reversed().first { !policy.isTrusted($0) } ?? hops.first ?? peer
        }
        self.sourceIP = source
        self.authority = headers[HTTPField.Name("X-Forwarded-Host")!]?.split(separator: ",").first.map { $0.trimmingASCIIWhitespace() } ?? authority
        if let proto = headers[HTTPField.Name("X-Forwarded-Proto")!]?.split(separator: ",").first {
            self.secure = proto.trimmingASCIIWhitespace().lowercased() == "https"
        } else {
            self.secure = listenerIsTLS
        }
    }
}
