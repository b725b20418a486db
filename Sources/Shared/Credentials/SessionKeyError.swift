/// Problems with session key material, found at startup.
public enum SessionKeyError: Error, CustomStringConvertible, Sendable {
    case derivationKeyTooShort(id: String)
    case unreadable(path: String)
    case invalidPEM(path: String, reason: String)
    case invalidDerivationKey(path: String)

    public var description: String {
        switch self {
        case .derivationKeyTooShort(let id): "derivation key '\(id)' must hold at least 32 bytes"
        case .unreadable(let path): "cannot read key file \(path)"
        case .invalidPEM(let path, let reason): "key file \(path) is not a P-256 PEM key: \(reason)"
        case .invalidDerivationKey(let path): "key file \(path) must hold base64 of at least 32 random bytes"
        }
    }
}
