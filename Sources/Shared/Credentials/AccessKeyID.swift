/// Access key ids for temporary credentials: `ASIA` followed by 16 base32 characters, the shape
/// AWS uses, so that tools which look at the prefix treat them as session credentials.
public enum AccessKeyID {
    public static let prefix = "ASIA"

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<10).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + Base32.encode(bytes)
    }

    /// Whether `text` has the shape of one of our access key ids.
    public static func isWellFormed(_ text: some StringProtocol) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == 20, text.hasPrefix(prefix) else { return false }
        return utf8.dropFirst(4).allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x32 && $0 <= 0x37) }
    }
}
