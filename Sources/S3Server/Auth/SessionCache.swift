import NIOConcurrencyHelpers
import Shared

/// Sessions whose token signature already verified, by token. A token is presented on every
/// request of a session; its ECDSA verification (~0.1 ms) is done once instead of every time.
///
/// Only the signature check is cached: the access key binding and the expiry are checked on
/// every request by the caller, and an entry is keyed by the exact token text.
final class SessionCache: Sendable {
    /// A verified session and what its requests need from it.
    struct Entry: Sendable {
        let session: SessionTokenVerifier.Session
        let facts: SessionFacts
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])
    let capacity: Int

    init(capacity: Int = 8192) { self.capacity = capacity }

    func session(for token: String) -> Entry? {
        entries.withLockedValue { $0[token] }
    }

    func store(_ entry: Entry, for token: String) {
        entries.withLockedValue { entries in
            // Bounded: when full, start over rather than track recency on the hot path.
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = entry
        }
    }
}
