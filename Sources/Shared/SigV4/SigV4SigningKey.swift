public import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The derived SigV4 signing key: `HMAC("AWS4"+secret, date) → region → service → "aws4_request"`.
///
/// It depends only on the secret and the scope, so it is valid for a whole UTC day and can be
/// cached per (access key, scope). The aws-chunked verifier needs it after the header check to
/// sign every chunk, which is why it is a value of its own rather than hidden in the verifier.
public struct SigV4SigningKey: Sendable {
    /// The key bytes; keep them out of logs.
    public let key: SymmetricKey
    /// The scope this key signs for.
    public let scope: SigV4Scope

    /// Derives the key for `secretAccessKey` and `scope` (four HMAC-SHA256 operations).
    public init(secretAccessKey: String, scope: SigV4Scope) {
        var key = SymmetricKey(data: Array("AWS4\(secretAccessKey)".utf8))
        for part in [scope.date, scope.region, scope.service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        self.key = key
        self.scope = scope
    }

    /// The raw HMAC-SHA256 of `message` under this key.
    public func mac(_ message: String) -> HashedAuthenticationCode<SHA256> {
        HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key)
    }

    /// Lowercase-hex HMAC-SHA256 of `stringToSign`: the signature.
    public func signature(for stringToSign: String) -> String {
        Hex.encode(mac(stringToSign))
    }

    /// Whether `provided` is the signature of `stringToSign`, compared in constant time.
    public func isValidSignature(_ provided: some StringProtocol, for stringToSign: String) -> Bool {
        let expected = Array(signature(for: stringToSign).utf8)
        let given = Array(provided.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<expected.count { difference |= expected[index] ^ given[index] }
        return difference == 0
    }

    /// Lowercase-hex SHA-256 of UTF-8 `text` (canonical-request hashes, empty-body hash).
    public static func sha256Hex(_ text: String) -> String {
        Hex.encode(SHA256.hash(data: Array(text.utf8)))
    }

    /// Lowercase-hex SHA-256 of `bytes`.
    public static func sha256Hex(bytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }

    /// `e3b0c442…b855`, the SHA-256 of an empty payload.
    public static let emptyPayloadSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}
