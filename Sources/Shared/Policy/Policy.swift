/// A compiled IAM policy document: parsed and checked once at load time, evaluated many times.
///
/// ```swift
/// let policy = try Policy(json: data, source: "policies/reader.json")          // identity policy
/// let trust = try Policy(json: data, source: "roles/x.trust.json", kind: .trust)
/// ```
///
/// Parsing is strict: unknown elements, wrong types, unknown operators, repeated JSON keys and
/// an `Effect` other than `Allow`/`Deny` are ``PolicyError``s naming the source, statement and field.
public struct Policy: Sendable, Hashable {
    /// What the policy is attached to, which decides the required elements.
    public enum Kind: Sendable, Hashable {
        /// A role's permission policy or a session policy: `Resource`/`NotResource`, no `Principal`.
        case identity
        /// A role's trust policy: `Principal`/`NotPrincipal`, no `Resource`.
        case trust
        /// A resource policy (bucket policy): both `Principal` and `Resource`.
        case resource
    }

    /// The policy language version. Only `2012-10-17` has `${…}` policy variables.
    public enum Version: String, Sendable, Hashable {
        case v2012_10_17 = "2012-10-17"
        /// Also the meaning of a missing `Version`, as in AWS.
        case v2008_10_17 = "2008-10-17"

        public var supportsVariables: Bool { self == .v2012_10_17 }
    }

    /// The name the policy was loaded under (its file path), used in errors and explanations.
    public let source: String
    public let kind: Kind
    public let version: Version
    public let id: String?
    public let statements: [Statement]

    public init(source: String, kind: Kind, version: Version, id: String?, statements: [Statement]) {
        self.source = source
        self.kind = kind
        self.version = version
        self.id = id
        self.statements = statements
    }

    /// Parses and compiles a policy from JSON bytes (`Data` and `[UInt8]` both work).
    ///
    /// - Parameters:
    ///   - json: the UTF-8 policy document.
    ///   - source: a name for messages, usually the file path.
    ///   - kind: which elements the statements must have.
    /// - Throws: ``PolicyError`` describing the first problem found.
    public init(json: some Collection<UInt8>, source: String, kind: Kind = .identity) throws(PolicyError) {
        self = try PolicyParser(source: source, kind: kind).parse(Array(json))
    }

    /// Parses and compiles a policy from JSON text.
    public init(json: String, source: String, kind: Kind = .identity) throws(PolicyError) {
        try self.init(json: Array(json.utf8), source: source, kind: kind)
    }
}
