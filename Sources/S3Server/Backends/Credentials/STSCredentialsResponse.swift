import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Shared

/// An STS answer to `AssumeRoleWithWebIdentity`: the `Credentials` of a success, or the
/// `Error` of an `ErrorResponse`. Anything else (cut short, a DTD, no credentials) is unreadable.
enum STSCredentialsResponse: Equatable {
    case credentials(BackendCredentials)
    case error(code: String, message: String)

    /// The largest answer read; a real one is a few KiB (the session token dominates).
    static let maximumSize = 64 * 1024

    /// Parses an answer's body; nil when it is neither a complete success nor an STS error.
    static func parse(_ bytes: [UInt8]) -> STSCredentialsResponse? {
        guard bytes.count <= maximumSize else { return nil }
        let delegate = Parser()
        guard delegate.parse(bytes), let root = delegate.root, delegate.rootClosed else { return nil }
        switch root {
        case "AssumeRoleWithWebIdentityResponse":
            let fields = delegate.credentials
            guard let akid = fields["AccessKeyId"], !akid.isEmpty, let secret = fields["SecretAccessKey"], !secret.isEmpty,
                let token = fields["SessionToken"], !token.isEmpty,
                let expiration = fields["Expiration"].flatMap(PolicyDate.parse), expiration.isFinite
            else { return nil }
            return .credentials(
                BackendCredentials(accessKeyID: akid, secretAccessKey: secret, sessionToken: token, expiration: Int64(expiration)))
        case "ErrorResponse":
            guard let code = delegate.error["Code"], !code.isEmpty else { return nil }
            return .error(code: code, message: delegate.error["Message"] ?? "")
        default:
            return nil
        }
    }

    /// Collects the text of `Credentials/*` and `Error/*` children by local name.
    private final class Parser: S3XMLParserDelegate {
        var root: String?
        var rootClosed = false
        var credentials: [String: String] = [:]
        var error: [String: String] = [:]
        private var path: [String] = []

        override func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
            attributes attributeDict: [String: String] = [:]
        ) {
            text = ""
            let name = Self.localName(elementName)
            if path.isEmpty && root == nil { root = name }
            path.append(name)
        }

        override func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            let name = Self.localName(elementName)
            if path.count >= 2 {
                let parent = path[path.count - 2]
                // Only the first value counts: a repeated element cannot swap credentials in.
                if parent == "Credentials" && credentials[name] == nil { credentials[name] = text.trimmingASCIIWhitespace() }
                if parent == "Error" && error[name] == nil { error[name] = text.trimmingASCIIWhitespace() }
            }
            path.removeLast()
            if path.isEmpty { rootClosed = true }
        }
    }
}
