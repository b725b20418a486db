/// Parameter constraints from the STS model, checked in AWS's order with AWS's wording.
enum STSRequestValidator {
    static func roleARN(_ value: String) throws(STSError) {
        guard (20...2048).contains(value.count) else {
            throw .constraint(value: value, member: "roleArn", constraint: value.count < 20
                ? "have length greater than or equal to 20" : "have length less than or equal to 2048")
        }
    }

    static func roleSessionName(_ value: String) throws(STSError) {
        if value.count < 2 {
            throw .constraint(value: value, member: "roleSessionName", constraint: "have length greater than or equal to 2")
        }
        if value.count > 64 {
            throw .constraint(value: value, member: "roleSessionName", constraint: "have length less than or equal to 64")
        }
        let allowed = value.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "+", "=", ",", ".", "@", "-": true
            default: false
            }
        }
        if !allowed {
            throw .constraint(value: value, member: "roleSessionName", constraint: "satisfy regular expression pattern: [\\w+=,.@-]*")
        }
    }

    static func webIdentityToken(_ value: String) throws(STSError) {
        // The token is sensitive: AWS does not echo it, and neither do we.
        if value.utf8.count < 4 {
            throw .validation("1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4")
        }
        if value.utf8.count > 20000 {
            throw .validation("1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000")
        }
    }

    static func durationSeconds(_ text: String?) throws(STSError) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else {
            throw STSError("InvalidParameterValue", "Value (\(text)) for parameter DurationSeconds is invalid. Must be an integer.")
        }
        if value < 900 {
            throw .constraint(value: text, member: "durationSeconds", constraint: "have value greater than or equal to 900")
        }
        if value > 43200 {
            throw .constraint(value: text, member: "durationSeconds", constraint: "have value less than or equal to 43200")
        }
        return value
    }

    static func policy(_ value: String) throws(STSError) {
        if value.isEmpty {
            throw .constraint(value: value, member: "policy", constraint: "have length greater than or equal to 1")
        }
        let allowed = value.unicodeScalars.allSatisfy { scalar in
            scalar == "\u{09}" || scalar == "\u{0A}" || scalar == "\u{0D}" || (0x20...0xFF).contains(scalar.value)
        }
        if !allowed {
            throw .constraint(value: value, member: "policy", constraint: "satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+")
        }
    }

    /// `PolicyArns`: at most 10, each a 20–2048 character ARN (the STS model's constraints).
    static func policyARNs(_ values: [String]) throws(STSError) {
        if values.count > 10 {
            throw .constraint(
                value: "[" + values.joined(separator: ", ") + "]", member: "policyArns", constraint: "have length less than or equal to 10")
        }
        for (index, value) in values.enumerated() where !(20...2048).contains(value.count) {
            throw .constraint(
                value: value, member: "policyArns.\(index + 1).member.arn",
                constraint: value.count < 20 ? "have length greater than or equal to 20" : "have length less than or equal to 2048")
        }
    }
}
