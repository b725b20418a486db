import NIOConcurrencyHelpers
import Shared

/// Sessions whose token signature already verified, by token. A token is presented on every
/// request of a session; its ECDSA verification (~0.1 ms) is done once instead of every time.
///
/// Only the signature check is cached: the access key binding and the expiry are checked on
/// every request by the caller, and an entry is keyed by the exact token text.
final class SessionCache: Sendable {
    private let entries = NIOLockedValueBox<[String: SessionTokenVerifier.Session]>([:])
    let capacity: Int

    init(capacity: Int = 8192) { self.capacity = capacity }

    func session(for token: String) -> SessionTokenVerifier.Session? {
        entries.withLockedValue { $0[token] }
    }

    func store(_ session: SessionTokenVerifier.Session, for token: String) {
        entries.withLockedValue { entries in
            // Bounded: when full, start over rather than track recency on the hot path.
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = session
        }
    }
}

/// SigV4 signing keys by (secret, scope): one key serves a session for a whole day, so the four
/// HMACs of the derivation are done once per session and day instead of once per request.
final class SigningKeyCache: Sendable {
    private let entries = NIOLockedValueBox<[String: SigV4SigningKey]>([:])
    let capacity: Int

    init(capacity: Int = 8192) { self.capacity = capacity }

    func key(secret: String, scope: SigV4Scope) -> SigV4SigningKey {
        let id = secret + "\n" + scope.string
        if let key = entries.withLockedValue({ $0[id] }) { return key }
        let key = SigV4SigningKey(secretAccessKey: secret, scope: scope)
        entries.withLockedValue { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[id] = key
        }
        return key
    }
}
