/// Why a presented session token was refused. S3 answers `ExpiredToken` for `.expired` and
/// `InvalidToken` for everything else.
public enum SessionTokenError: Error, Equatable, Sendable {
    case malformed
    case unknownKey
    case badSignature
    case expired
    case wrongAccessKey
    case unknownDerivationKey
}
