/// One action on one resource that a request needs, such as `s3:GetObject` on
/// `arn:aws:s3:::b/key`.
public struct AccessRequest: Sendable, Hashable, CustomStringConvertible {
    public var action: String
    /// The resource ARN. Trust policies have no `Resource` element, so any value works there
    /// (conventionally the role ARN).
    public var resource: String

    public init(action: String, resource: String) {
        self.action = action
        self.resource = resource
    }

    public var description: String { "\(action) on \(resource)" }
}
