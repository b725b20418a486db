public import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Builds and checks the SigV2 string to sign:
///
/// ```
/// VERB \n Content-MD5 \n Content-Type \n Date-or-Expires \n CanonicalizedAmzHeaders CanonicalizedResource
/// ```
///
/// For presigned URLs botocore moves `x-amz-security-token` into the query but still signs it as
/// an amz header, so the token is folded into the amz headers here the same way.
public enum SigV2StringToSign {
    /// Sub-resources that are part of the canonical resource (sorted when written).
    public static let subresources: Set<String> = [
        "acl", "accelerate", "analytics", "cors", "defaultObjectAcl", "delete", "encryption", "inventory", "lifecycle",
        "location", "logging", "metrics", "notification", "object-lock", "partNumber", "policy", "replication",
        "requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
        "response-content-language", "response-content-type", "response-expires", "restore", "select", "select-type",
        "storageClass", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
        "legal-hold", "retention", "attributes", "ownershipControls", "publicAccessBlock", "intelligent-tiering",
    ]

    /// - Parameters:
    ///   - rawPath: the path as sent (still percent-encoded): `/bucket/key`.
    ///   - query: decoded query pairs.
    ///   - headers: request headers (any case).
    ///   - dateValue: `Expires` for query auth; for header auth the `Date` header, or empty when
    ///     `x-amz-date` is present (it then appears among the amz headers).
    public static func build(
        method: String, rawPath: String, query: [(name: String, value: String?)],
        headers: [(name: String, value: String)], dateValue: String, securityToken: String?, isPresigned: Bool
    ) -> String {
        func header(_ name: String) -> String {
            headers.first { $0.name.lowercased() == name }?.value.trimmingASCIIWhitespace() ?? ""
        }
        var amz: [String: [String]] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            guard lower.hasPrefix("x-amz-") else { continue }
            amz[lower, default: []].append(value.trimmingASCIIWhitespace())
        }
        if isPresigned, let securityToken, amz["x-amz-security-token"] == nil {
            amz["x-amz-security-token"] = [securityToken]
        }
        var text = method + "\n" + header("content-md5") + "\n" + header("content-type") + "\n" + dateValue + "\n"
        for name in amz.keys.sorted() { text += name + ":" + amz[name]!.joined(separator: ",") + "\n" }
        text += rawPath
        let sub = query.filter { subresources.contains($0.name) }.sorted { $0.name < $1.name }
        for (index, pair) in sub.enumerated() {
            text += index == 0 ? "?" : "&"
            text += pair.name
            if let value = pair.value { text += "=" + value }
        }
        return text
    }

    /// Base64 HMAC-SHA1 of `stringToSign` under `secret`.
    public static func signature(_ stringToSign: String, secret: String) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Array(stringToSign.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Constant-time check of a provided signature.
    public static func isValid(_ provided: String, stringToSign: String, secret: String) -> Bool {
        ConstantTime.equals(signature(stringToSign, secret: secret), provided)
    }
}
