/// The protected header of a compact JWS, read by Portcullis itself.
///
/// jwt-kit reads `alg` and `kid` too, but it silently falls back to its default key when the `kid`
/// is unknown and never compares `alg` with the key (swift-stack.md §5). Reading the header first
/// lets the verifier pick exactly one key and check the algorithm before any cryptography runs.
/// (Named `JOSEHeader` so it does not clash with `JWTKit.JWTHeader`.)
struct JOSEHeader: Sendable, Hashable {
    /// The `alg` parameter, verbatim.
    var alg: String
    /// The `kid` parameter, when present.
    var kid: String?
    /// The `typ` parameter, when present (not enforced: IdPs disagree on it).
    var typ: String?

    /// Reads the header from its decoded JSON members.
    ///
    /// - Throws: ``OIDCError/malformedToken(_:)`` when `alg` is missing or a field has the wrong type;
    ///   ``OIDCError/unsupportedCriticalHeader`` when `crit` is present (RFC 7515 §4.1.11: a
    ///   recipient that does not understand a listed extension must reject the token).
    init(members: [String: JSONValue]) throws(OIDCError) {
        guard let alg = members["alg"]?.stringValue, !alg.isEmpty else {
            throw .malformedToken("header has no alg")
        }
        self.alg = alg
        switch members["kid"] {
        case nil, .null?: self.kid = nil
        case .string(let kid)?: self.kid = kid
        default: throw .malformedToken("header kid is not a string")
        }
        switch members["typ"] {
        case nil, .null?: self.typ = nil
        case .string(let typ)?: self.typ = typ
        default: throw .malformedToken("header typ is not a string")
        }
        if members["crit"] != nil { throw .unsupportedCriticalHeader }
    }
}
