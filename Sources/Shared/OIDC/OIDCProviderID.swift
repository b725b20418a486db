/// The name IAM gives an OIDC provider: its issuer URL without the scheme or a trailing slash
/// (`token.actions.githubusercontent.com`, `keycloak.example/realms/x`). Claims appear in
/// policies under it, as `<provider>:sub`.
public enum OIDCProviderID {
    public static func from(issuer: String) -> String {
        var id = Substring(issuer)
        if let range = id.range(of: "://") { id = id[range.upperBound...] }
        while id.hasSuffix("/") { id = id.dropLast() }
        return String(id)
    }
}
