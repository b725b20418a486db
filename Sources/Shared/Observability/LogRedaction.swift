/// Removes credentials from request targets before they are logged.
///
/// Presigned URLs carry a signature and a session token in the query; an access log that keeps
/// them hands out working credentials (fakes3pp logged raw `RequestURI`s).
public enum LogRedaction {
    static let sensitiveParameters: Set<String> = [
        "x-amz-signature", "x-amz-security-token", "x-amz-credential", "signature", "awsaccesskeyid",
    ]

    /// `path?query` with sensitive parameter values replaced by `REDACTED`.
    public static func target(_ target: String) -> String {
        guard let question = target.firstIndex(of: "?") else { return target }
        let path = target[..<question]
        let query = target[target.index(after: question)...]
        let redacted = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> Substring in
            let name = pair.split(separator: "=", maxSplits: 1).first ?? pair
            // Match the decoded name: `X-Amz-Security%2DToken` authenticates like the plain one.
            let decoded = PercentDecoding.decode(name, plusAsSpace: true) ?? String(name)
            return sensitiveParameters.contains(decoded.lowercased()) ? Substring(name + "=REDACTED") : pair
        }
        return path + "?" + redacted.joined(separator: "&")
    }
}
