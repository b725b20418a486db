import Crypto

/// Stable role ids in AWS's shape (`AROA` + 17 characters), derived from the role ARN so that
/// every STSServer replica reports the same `AssumedRoleId` without shared state.
public enum RoleID {
    public static func forRole(arn: String) -> String {
        let digest = SHA256.hash(data: Array(arn.utf8))
        return "AROA" + String(Base32.encode(Array(digest)).prefix(17))
    }
}
