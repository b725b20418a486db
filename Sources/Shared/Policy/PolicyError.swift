/// Why a policy document was rejected at load time.
///
/// Policies are checked strictly when they are loaded so that a typo (`"allow"`, `"StringEqual"`,
/// `"Resources"`) stops startup with a precise message instead of silently granting or denying
/// access at request time. The ``description`` names the source file, the statement (index and
/// `Sid`) and the field, for example:
///
/// ```
/// policies/x.json: Statement[1] (Sid "ReadOwn"): Effect: must be "Allow" or "Deny", got "allow"
/// ```
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name the policy was loaded under, usually its file path.
    public var source: String
    /// The zero-based statement index, when the problem is inside a statement.
    public var statementIndex: Int?
    /// The statement's `Sid`, when it has one.
    public var sid: String?
    /// The element path, such as `Effect` or `Condition.StringEquals.aws:username`.
    public var field: String?
    /// What is wrong.
    public var message: String

    public init(source: String, statementIndex: Int? = nil, sid: String? = nil, field: String? = nil, message: String) {
        self.source = source
        self.statementIndex = statementIndex
        self.sid = sid
        self.field = field
        self.message = message
    }

    public var description: String {
        var text = source + ": "
        if let statementIndex {
            text += "Statement[\(statementIndex)]"
            if let sid { text += " (Sid \"\(sid)\")" }
            text += ": "
        }
        if let field { text += field + ": " }
        return text + message
    }
}

/// A problem found below the statement level, before the statement context is attached.
///
/// Parsing helpers throw this; ``PolicyParser`` wraps it into a ``PolicyError`` with the source,
/// statement index and `Sid`.
struct PolicyFieldError: Error, Sendable {
    var field: String
    var message: String

    init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}
