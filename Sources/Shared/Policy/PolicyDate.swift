/// Parsing of `Date*` condition values into seconds since 1970 (UTC).
///
/// AWS accepts ISO-8601 (`2024-05-01`, `2024-05-01T12:00:00Z`, with fractional seconds or a
/// `±hh:mm` offset) and epoch seconds. Hand-rolled because Foundation's formatters cost
/// ~2–100 µs per parse on Linux, and request values such as `aws:CurrentTime` are parsed per request.
public enum PolicyDate {
    /// Seconds since the epoch, or `nil` when `text` is neither ISO-8601 nor epoch seconds.
    public static func parse(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        if let epoch = parseEpoch(bytes) { return epoch }
        return parseISO8601(bytes)
    }

    private static func parseEpoch(_ bytes: [UInt8]) -> Double? {
        guard !bytes.isEmpty else { return nil }
        var index = bytes[0] == UInt8(ascii: "-") ? 1 : 0
        let digitsStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        guard index > digitsStart else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > fractionStart else { return nil }
        }
        guard index == bytes.count else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// Reads exactly `count` digits at `index`.
    private static func number(_ bytes: [UInt8], _ index: inout Int, _ count: Int) -> Int? {
        guard bytes.count - index >= count else { return nil }
        var value = 0
        for _ in 0..<count {
            guard isDigit(bytes[index]) else { return nil }
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        return value
    }

    private static func expect(_ bytes: [UInt8], _ index: inout Int, _ character: Character) -> Bool {
        guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
        index += 1
        return true
    }

    private static func parseISO8601(_ bytes: [UInt8]) -> Double? {
        var i = 0
        guard let year = number(bytes, &i, 4), expect(bytes, &i, "-"), let month = number(bytes, &i, 2),
            expect(bytes, &i, "-"), let day = number(bytes, &i, 2),
            (1...12).contains(month), (1...daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day) * 86_400)
        guard i < bytes.count else { return seconds }
        guard expect(bytes, &i, "T") || expect(bytes, &i, "t"), let hour = number(bytes, &i, 2), expect(bytes, &i, ":"),
            let minute = number(bytes, &i, 2), hour < 24, minute < 60
        else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if expect(bytes, &i, ":") {
            guard let second = number(bytes, &i, 2), second <= 60 else { return nil }
            seconds += Double(second)
            if expect(bytes, &i, ".") || expect(bytes, &i, ",") {
                var scale = 0.1
                let start = i
                while i < bytes.count, isDigit(bytes[i]) {
                    seconds += Double(bytes[i] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    i += 1
                }
                guard i > start else { return nil }
            }
        }
        guard i < bytes.count else { return seconds }  // no zone: UTC
        if expect(bytes, &i, "Z") || expect(bytes, &i, "z") { return i == bytes.count ? seconds : nil }
        let sign: Double
        if expect(bytes, &i, "+") { sign = 1 } else if expect(bytes, &i, "-") { sign = -1 } else { return nil }
        guard let offsetHours = number(bytes, &i, 2), offsetHours < 24 else { return nil }
        var offsetMinutes = 0
        if i < bytes.count {
            _ = expect(bytes, &i, ":")
            guard let minutes = number(bytes, &i, 2), minutes < 60 else { return nil }
            offsetMinutes = minutes
        }
        guard i == bytes.count else { return nil }
        return seconds - sign * Double(offsetHours * 3600 + offsetMinutes * 60)
    }

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
