import HTTPTypes
import Shared

/// S3 condition keys taken from request headers (wire-semantics §4.1), so that statements
/// such as `StringEquals s3:x-amz-acl public-read` see the request as AWS would.
enum HeaderConditions {
    static let direct = [
        "x-amz-acl", "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-storage-class",
        "x-amz-metadata-directive", "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date",
        "x-amz-object-lock-legal-hold", "x-amz-website-redirect-location",
    ]

    static func values(from headers: HTTPFields) -> [String: [String]] {
        var values: [String: [String]] = [:]
        for field in headers {
            let name = field.name.canonicalName
            if direct.contains(name) || name.hasPrefix("x-amz-grant-") {
                values["s3:\(name)", default: []].append(field.value)
            }
        }
        if let tagging = headers[HTTPField.Name("x-amz-tagging")!], let tags = FormURLEncoding.parse(tagging) {
            for tag in tags { values["s3:RequestObjectTag/\(tag.name)"] = [tag.value] }
            values["s3:RequestObjectTagKeys"] = tags.map(\.name)
        }
        return values
    }
}
