/// What S3 tells a client whose signature did not match: the server's canonical request and
/// string to sign, so the client can diff them against its own. Never includes the secret.
public struct SigV4SignatureMismatch: Sendable, Equatable {
    /// The access key id from the credential.
    public var accessKeyID: String
    /// The signature the client sent.
    public var signatureProvided: String
    /// The string to sign the server computed.
    public var stringToSign: String
    /// The canonical request the server computed.
    public var canonicalRequest: String

    public init(accessKeyID: String, signatureProvided: String, stringToSign: String, canonicalRequest: String) {
        self.accessKeyID = accessKeyID
        self.signatureProvided = signatureProvided
        self.stringToSign = stringToSign
        self.canonicalRequest = canonicalRequest
    }

    /// The elements S3 adds to a `SignatureDoesNotMatch` body, in S3's order.
    public var detailElements: [(name: String, value: String)] {
        [
            ("AWSAccessKeyId", accessKeyID),
            ("StringToSign", stringToSign),
            ("SignatureProvided", signatureProvided),
            ("StringToSignBytes", Self.spacedHex(stringToSign)),
            ("CanonicalRequest", canonicalRequest),
            ("CanonicalRequestBytes", Self.spacedHex(canonicalRequest)),
        ]
    }

    /// `41 57 53 34 …`: lowercase hex bytes separated by spaces, as S3 prints them.
    static func spacedHex(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return "" }
        return String(unsafeUninitializedCapacity: bytes.count * 3 - 1) { buffer in
            var index = 0
            for (offset, byte) in bytes.enumerated() {
                if offset > 0 {
                    buffer[index] = UInt8(ascii: " ")
                    index += 1
                }
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }
}
