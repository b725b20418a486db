/// A configuration problem, reported with the file and the field so that an operator can fix
/// it without reading code: `etc/portcullis.yaml: roles[0].maxSessionDuration: must be …`.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let field: String
    public let problem: String

    public init(file: String, field: String, problem: String) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String {
        field.isEmpty ? "\(file): \(problem)" : "\(file): \(field): \(problem)"
    }
}
