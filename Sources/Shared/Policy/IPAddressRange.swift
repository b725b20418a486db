/// An IPv4 or IPv6 CIDR block for `IpAddress` / `NotIpAddress`, parsed at load time.
///
/// Addresses are held as 128 bits; IPv4 and IPv4-mapped IPv6 (`::ffff:a.b.c.d`) request addresses
/// are compared as IPv4, so a client reached over a dual-stack socket still matches `10.0.0.0/8`.
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    /// A parsed address: 128 bits plus its family.
    public struct Address: Sendable, Hashable {
        public var high: UInt64
        public var low: UInt64
        public var isIPv4: Bool
    }

    public let network: Address
    public let prefixLength: Int
    public let description: String

    /// Parses `a.b.c.d[/n]` or an IPv6 address with an optional `/n`; a bare address is a single host.
    public init?(_ text: String) {
        description = text
        var addressText = Substring(text)
        var prefix: Int?
        if let slash = text.firstIndex(of: "/") {
            addressText = text[..<slash]
            let digits = text[text.index(after: slash)...]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy(\.isASCII), let value = Int(digits) else { return nil }
            prefix = value
        }
        guard let address = Self.parseAddress(addressText) else { return nil }
        let maximum = address.isIPv4 ? 32 : 128
        let length = prefix ?? maximum
        guard (0...maximum).contains(length) else { return nil }
        prefixLength = length
        network = Self.masked(address, bits: address.isIPv4 ? 96 + length : length)
    }

    /// Whether `text`, a request address without prefix, lies in this block.
    public func contains(_ text: String) -> Bool {
        guard let address = Self.parseAddress(Substring(text)) else { return false }
        return contains(address)
    }

    /// Whether an already parsed address lies in this block; IPv4 never matches an IPv6 block.
    public func contains(_ address: Address) -> Bool {
        guard address.isIPv4 == network.isIPv4 else { return false }
        return Self.masked(address, bits: network.isIPv4 ? 96 + prefixLength : prefixLength) == network
    }

    private static func masked(_ address: Address, bits: Int) -> Address {
        func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? .max : ~(UInt64.max >> UInt64(bits)) }
        return Address(high: address.high & mask(bits), low: address.low & mask(bits - 64), isIPv4: address.isIPv4)
    }

    /// Parses an address; IPv4-mapped IPv6 becomes IPv4. Works on UTF-8 bytes: this runs per
    /// request for `aws:SourceIp`.
    public static func parseAddress(_ text: Substring) -> Address? {
        var text = text
        return text.withUTF8 { parseAddress($0) }
    }

    static func parseAddress(_ bytes: UnsafeBufferPointer<UInt8>) -> Address? {
        guard !bytes.isEmpty, bytes.count <= 45 else { return nil }
        if !bytes.contains(UInt8(ascii: ":")) {
            guard let v4 = parseIPv4(bytes[...]) else { return nil }
            return Address(high: 0, low: 0xFFFF_0000_0000 | UInt64(v4), isIPv4: true)
        }
        guard let groups = parseIPv6(bytes) else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 {
            if index < 4 { high = high << 16 | UInt64(groups[index]) } else { low = low << 16 | UInt64(groups[index]) }
        }
        let mapped = high == 0 && low >> 32 == 0xFFFF
        return Address(high: high, low: low, isIPv4: mapped)
    }

    /// Four decimal octets of 1–3 digits, each at most 255.
    private static func parseIPv4(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard digits <= 3, octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, dots == 3 else { return nil }
        return value << 8 | octet
    }

    private static func hexValue(_ byte: UInt8) -> UInt16? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt16(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt16(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt16(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Eight 16-bit groups, with at most one `::` and an optional dotted IPv4 tail.
    private static func parseIPv6(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt16]? {
        var groups: [UInt16] = []
        groups.reserveCapacity(8)
        var gap: Int?  // index in `groups` where `::` stands
        var index = 0
        let count = bytes.count
        if count >= 2, bytes[0] == UInt8(ascii: ":"), bytes[1] == UInt8(ascii: ":") {
            gap = 0
            index = 2
        } else if bytes[0] == UInt8(ascii: ":") {
            return nil
        }
        while index < count {
            let groupStart = index
            var value: UInt16 = 0
            var digits = 0
            while index < count, let hex = hexValue(bytes[index]) {
                guard digits < 4 else { return nil }
                value = value << 4 | hex
                digits += 1
                index += 1
            }
            if index < count, bytes[index] == UInt8(ascii: ".") {
                // A dotted IPv4 tail takes the last two groups.
                guard let v4 = parseIPv4(bytes[groupStart..<count]) else { return nil }
                groups += [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                index = count
                break
            }
            guard digits > 0 else { return nil }
            groups.append(value)
            guard index < count else { break }
            guard bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            if index < count, bytes[index] == UInt8(ascii: ":") {
                guard gap == nil else { return nil }
                gap = groups.count
                index += 1
            } else if index == count {
                return nil  // trailing single colon
            }
        }
        guard groups.count <= 8 else { return nil }
        if let gap {
            guard groups.count <= 7 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gap)
        } else if groups.count != 8 {
            return nil
        }
        return groups
    }
}
