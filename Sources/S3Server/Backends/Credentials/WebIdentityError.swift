import Shared

/// Why temporary backend credentials could not be obtained. The descriptions are for logs:
/// they never contain the token or any credential.
enum WebIdentityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The token file is missing, unreadable, empty or too large.
    case tokenUnreadable(path: String, problem: String)
    /// STS answered with an error (`InvalidIdentityToken`, `AccessDenied`, `ExpiredTokenException`…).
    case refused(status: Int, code: String, message: String)
    /// STS answered something that is neither credentials nor an STS error.
    case unreadableAnswer(status: Int)
    /// STS could not be reached or did not answer in time.
    case unreachable(String)
    /// The credentials expire (within the safety margin) as they arrive.
    case expiredOnArrival(expiration: Int64)

    var description: String {
        switch self {
        case .tokenUnreadable(let path, let problem): "token file \(path): \(problem)"
        case .refused(let status, let code, let message): "STS refused (HTTP \(status)) \(code): \(message.prefix(300))"
        case .unreadableAnswer(let status): "STS answered HTTP \(status) without credentials or an STS error"
        case .unreachable(let problem): "STS unreachable: \(problem.prefix(300))"
        case .expiredOnArrival(let expiration):
            "STS credentials expire at \(ISO8601.seconds(expiration)), as they arrive: check this host's clock and the role's session duration"
        }
    }
}

/// Exchanges an OIDC token for temporary credentials (`AssumeRoleWithWebIdentity`); a seam so
/// that the refresh logic is tested without a network.
protocol WebIdentityTokenExchanger: Sendable {
    func exchange(token: String) async throws(WebIdentityError) -> BackendCredentials
    func shutdown() async
}
