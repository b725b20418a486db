import Shared

/// The merged parameters of an STS Query-protocol request: query string first, then the form
/// body, as MinIO's `parseForm` merges them. Names are case-sensitive, as in AWS.
struct STSParameters: Sendable {
    private var values: [String: [String]] = [:]

    init(query: String?, form: String?) throws(STSError) {
        for source in [query, form] {
            guard let source, !source.isEmpty else { continue }
            guard let pairs = FormURLEncoding.parse(source) else {
                throw STSError("MalformedQueryString", "The query string or form body is not correctly URL-encoded.")
            }
            for pair in pairs { values[pair.name, default: []].append(pair.value) }
        }
    }

    /// A single-valued parameter; a repeated one is a client mistake.
    func single(_ name: String) throws(STSError) -> String? {
        guard let list = values[name] else { return nil }
        guard list.count == 1 else {
            throw STSError.validation("Parameter \(name) was given more than once.")
        }
        return list[0]
    }

    func required(_ name: String) throws(STSError) -> String {
        guard let value = try single(name), !value.isEmpty else { throw STSError.missingParameter(name) }
        return value
    }

    /// `PolicyArns.member.N.arn` values in member order.
    func policyARNs() -> [String] {
        values.compactMap { key, list -> (Int, String)? in
            guard key.hasPrefix("PolicyArns.member."), key.hasSuffix(".arn"),
                let index = Int(key.dropFirst("PolicyArns.member.".count).dropLast(4)), let value = list.first
            else { return nil }
            return (index, value)
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
