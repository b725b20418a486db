/// An `X-Amz-Date` timestamp: `yyyyMMdd'T'HHmmss'Z'`, always UTC, to the second.
///
/// Parsed and formatted by hand with calendar arithmetic: `DateFormatter` takes ~111 µs to parse
/// one of these on Linux, and the format is fixed-width ASCII anyway. The type also carries the
/// original text so the string to sign reuses the client's exact bytes.
public struct AmzDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let epochSeconds: Int64

    /// Creates the timestamp for `epochSeconds` (truncated to whole seconds by the caller).
    public init(epochSeconds: Int64) {
        self.epochSeconds = epochSeconds
    }

    /// Parses exactly 16 ASCII bytes `yyyyMMddTHHmmssZ`; returns `nil` for anything else,
    /// including out-of-range fields (month 13, 31 April, hour 24, second 60).
    public init?(parsing text: some StringProtocol) {
        var digits = [Int](repeating: 0, count: 14)
        var count = 0
        var position = 0
        for byte in text.utf8 {
            defer { position += 1 }
            switch position {
            case 8:
                guard byte == UInt8(ascii: "T") else { return nil }
            case 15:
                guard byte == UInt8(ascii: "Z") else { return nil }
            case 0..<15:
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                digits[count] = Int(byte - UInt8(ascii: "0"))
                count += 1
            default:
                return nil
            }
        }
        guard position == 16 else { return nil }
        func number(_ start: Int, _ length: Int) -> Int {
            var value = 0
            for index in start..<(start + length) { value = value * 10 + digits[index] }
            return value
        }
        let year = number(0, 4)
        let month = number(4, 2)
        let day = number(6, 2)
        let hour = number(8, 2)
        let minute = number(10, 2)
        let second = number(12, 2)
        guard (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year: year, month: month), hour < 24, minute < 60,
            second < 60
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        self.epochSeconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// `yyyyMMdd'T'HHmmss'Z'`, e.g. `20130524T000000Z`: the `X-Amz-Date` form.
    public var text: String { format(dateSeparator: false) }

    /// `yyyyMMdd`, e.g. `20130524`: the date in the credential scope.
    public var dateStamp: String { String(text.prefix(8)) }

    /// `yyyy-MM-dd'T'HH:mm:ss'Z'`: the ISO 8601 form S3 uses for `<ServerTime>` in error bodies.
    public var iso8601: String { format(dateSeparator: true) }

    public var description: String { text }

    public static func < (lhs: AmzDate, rhs: AmzDate) -> Bool { lhs.epochSeconds < rhs.epochSeconds }

    private func format(dateSeparator: Bool) -> String {
        let days = Int(epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400)
        let secondsOfDay = Int(epochSeconds - Int64(days) * 86_400)
        let (year, month, day) = Self.civilFromDays(days)
        var bytes = [UInt8]()
        bytes.reserveCapacity(20)
        func append(_ value: Int, width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var remaining = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8((remaining / divisor) % 10))
                remaining %= divisor
                divisor /= 10
            }
        }
        append(year, width: 4)
        if dateSeparator { bytes.append(UInt8(ascii: "-")) }
        append(month, width: 2)
        if dateSeparator { bytes.append(UInt8(ascii: "-")) }
        append(day, width: 2)
        bytes.append(UInt8(ascii: "T"))
        append(secondsOfDay / 3600, width: 2)
        if dateSeparator { bytes.append(UInt8(ascii: ":")) }
        append(secondsOfDay / 60 % 60, width: 2)
        if dateSeparator { bytes.append(UInt8(ascii: ":")) }
        append(secondsOfDay % 60, width: 2)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    static func isLeapYear(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysFromCivil` (H. Hinnant's `civil_from_days`).
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
