import NIOConcurrencyHelpers
import Shared

/// SigV4 signing keys by (secret, scope): one key serves a session for a whole day, so the four
/// HMACs of the derivation are done once per session and day instead of once per request.
/// The upstream signer keeps its backend credentials' keys the same way.
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
