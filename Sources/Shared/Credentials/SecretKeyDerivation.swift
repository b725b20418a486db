public import Crypto

/// Derives a session's secret access key from secret key material.
///
/// The inputs that travel in public (access key id and token id) are mixed with a key only
/// STSServer and S3Server hold, so a leaked presigned URL or access log reveals nothing that
/// lets anyone sign requests. (fakes3pp's secret was computable from the access key id alone.)
public struct SecretKeyDerivation: Sendable {
    public let id: String
    private let key: SymmetricKey

    /// - Parameters:
    ///   - id: the key id recorded in tokens (`dkid`).
    ///   - keyBytes: at least 32 bytes of secret material.
    public init(id: String, keyBytes: [UInt8]) throws {
        guard keyBytes.count >= 32 else { throw SessionKeyError.derivationKeyTooShort(id: id) }
        self.id = id
        self.key = SymmetricKey(data: keyBytes)
    }

    /// The 40-character secret for `accessKeyID` and `tokenID`.
    public func secret(accessKeyID: String, tokenID: String) -> String {
        var message = Array("portcullis-secret-v1\n".utf8)
        message += accessKeyID.utf8
        message.append(0x0A)
        message += tokenID.utf8
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return Base64.encode(Array(mac.prefix(30)))
    }
}
