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
        // On bytes: splitting the String by Characters cost as much as the SigV4 check of the
        // same request.
        let bytes = target.utf8
        guard let question = bytes.firstIndex(of: UInt8(ascii: "?")) else { return target }
        var out = Array(bytes[...question])
        out.reserveCapacity(bytes.count)
        var first = true
        for pair in bytes[bytes.index(after: question)...].split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false) {
            if !first { out.append(UInt8(ascii: "&")) }
            first = false
            let name = pair[..<(pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex)]
            // Match the decoded name: `X-Amz-Security%2DToken` authenticates like the plain one.
            let decoded = PercentDecoding.decode(bytes: name, plusAsSpace: true) ?? String(decoding: name, as: UTF8.self)
            if sensitiveParameters.contains(decoded.lowercased()) {
                out.append(contentsOf: name)
                out.append(contentsOf: "=REDACTED".utf8)
            } else {
                out.append(contentsOf: pair)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
