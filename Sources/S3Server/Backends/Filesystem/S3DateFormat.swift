#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The two date formats S3 responses use, via `gmtime_r` and fixed-width digits.
///
/// `DateFormatter` costs 2.6–98 µs per call on Linux against ~0.2 µs here, and listings format
/// a date per key (swift-stack.md §12.1).
enum S3DateFormat {
    /// `2009-10-12T17:50:30.123Z`: XML listings (`LastModified`, `CreationDate`, `Initiated`).
    static func iso8601Milliseconds(_ date: Date) -> String {
        let millisTotal = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millisTotal >= 0 ? millisTotal / 1000 : (millisTotal - 999) / 1000)
        let millis = Int(millisTotal - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(24)
        append(&out, Int(parts.tm_year) + 1900, width: 4)
        out.append(UInt8(ascii: "-"))
        append(&out, Int(parts.tm_mon) + 1, width: 2)
        out.append(UInt8(ascii: "-"))
        append(&out, Int(parts.tm_mday), width: 2)
        out.append(UInt8(ascii: "T"))
        appendTime(&out, parts)
        out.append(UInt8(ascii: "."))
        append(&out, millis, width: 3)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `Wed, 12 Oct 2009 17:50:30 GMT` (RFC 9110 IMF-fixdate): the `Last-Modified` header.
    static func httpDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(29)
        out += dayNames[Int(parts.tm_wday)]
        out += Array(", ".utf8)
        append(&out, Int(parts.tm_mday), width: 2)
        out.append(UInt8(ascii: " "))
        out += monthNames[Int(parts.tm_mon)]
        out.append(UInt8(ascii: " "))
        append(&out, Int(parts.tm_year) + 1900, width: 4)
        out.append(UInt8(ascii: " "))
        appendTime(&out, parts)
        out += Array(" GMT".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].map { Array($0.utf8) }
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map { Array($0.utf8) }

    private static func appendTime(_ out: inout [UInt8], _ parts: tm) {
        append(&out, Int(parts.tm_hour), width: 2)
        out.append(UInt8(ascii: ":"))
        append(&out, Int(parts.tm_min), width: 2)
        out.append(UInt8(ascii: ":"))
        append(&out, Int(parts.tm_sec), width: 2)
    }

    private static func append(_ out: inout [UInt8], _ value: Int, width: Int) {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var rest = value
        for index in stride(from: width - 1, through: 0, by: -1) {
            digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        out += digits
    }
}
