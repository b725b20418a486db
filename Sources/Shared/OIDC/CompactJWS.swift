#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A compact-serialised JWS (`header.payload.signature`) split and decoded, **not** verified.
///
/// The registry needs the unverified `iss` to choose a provider, and the key store needs `alg` and
/// `kid` to choose a key; both happen before the signature is checked, against keys of the
/// issuer named here only, so trusting these values for *selection* is safe.
struct CompactJWS: Sendable {
    /// Tokens longer than this are refused before any decoding (AWS caps `WebIdentityToken` at
    /// 20 000 characters; the margin covers other callers).
    static let maximumLength = 32 * 1024

    let header: JOSEHeader
    /// The payload's members as sent; only trustworthy after signature verification.
    let unverifiedClaims: [String: JSONValue]
    /// `header.payload`, the bytes the signature covers (RFC 7515 §5.2).
    let signingInput: [UInt8]
    /// The decoded third segment.
    let signature: [UInt8]

    init(_ token: String) throws(OIDCError) {
        guard token.utf8.count <= Self.maximumLength else { throw .malformedToken("token is too long") }
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedToken("expected three dot-separated segments") }
        guard let headerBytes = Self.base64URLDecode(parts[0]),
            let payloadBytes = Self.base64URLDecode(parts[1]),
            let signature = Self.base64URLDecode(parts[2])
        else {
            throw .malformedToken("a segment is not base64url")
        }
        guard let headerMembers = Self.decodeObject(headerBytes) else {
            throw .malformedToken("header is not a JSON object")
        }
        guard let claims = Self.decodeObject(payloadBytes) else {
            throw .malformedToken("payload is not a JSON object")
        }
        self.header = try JOSEHeader(members: headerMembers)
        self.unverifiedClaims = claims
        self.signingInput = Array(token.utf8[parts[0].startIndex..<parts[1].endIndex])
        self.signature = signature
    }

    private static func decodeObject(_ bytes: [UInt8]) -> [String: JSONValue]? {
        JSONValue.parseObject(bytes)
    }

    /// Strict RFC 4648 §5 decoding without padding, as JWS requires (RFC 7515 §2).
    static func base64URLDecode(_ text: some Collection<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "_"): value = 63
            default: return nil
            }
            accumulator = (accumulator << 6) | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // 6 leftover bits cannot encode a byte; non-zero padding bits are non-canonical.
        guard bits < 6, accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }
}
