/// S3 bucket-name rules (the general-purpose bucket subset that matters for a path-style server).
///
/// Validation is also what keeps bucket names safe as directory names: only `[a-z0-9.-]`, never
/// starting with `.`, so `..`, `/` and the store's own dot-prefixed staging folders are impossible.
enum BucketName {
    /// 3–63 characters of `[a-z0-9.-]`, first and last alphanumeric, no `..`, not an IPv4 address.
    static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func isAlnum(_ c: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
        }
        for c in bytes where !(isAlnum(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")) {
            return false
        }
        guard isAlnum(bytes.first!), isAlnum(bytes.last!) else { return false }
        for i in 1..<bytes.count where bytes[i] == UInt8(ascii: ".") && bytes[i - 1] == UInt8(ascii: ".") {
            return false
        }
        return !isIPv4Shaped(bytes)
    }

    /// `192.168.5.4`: four dot-separated groups of 1–3 digits.
    private static func isIPv4Shaped(_ bytes: [UInt8]) -> Bool {
        let groups = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard groups.count == 4 else { return false }
        return groups.allSatisfy { group in
            (1...3).contains(group.count) && group.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }
    }
}
