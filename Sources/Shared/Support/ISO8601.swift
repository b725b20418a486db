#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Fixed-width UTC timestamps without DateFormatter (which costs ~100 µs per parse on Linux).
public enum ISO8601 {
    /// `2026-12-01T13:15:02Z`, as STS writes `Expiration`.
    public static func seconds(_ epoch: Int64) -> String {
        format(epoch, milliseconds: nil)
    }

    /// `2026-12-01T13:15:02.000Z`, as S3 writes `LastModified`.
    public static func milliseconds(_ epoch: Int64, millis: Int = 0) -> String {
        format(epoch, milliseconds: millis)
    }

    private static func format(_ epoch: Int64, milliseconds: Int?) -> String {
        var time = time_t(epoch)
        var parts = tm()
        gmtime_r(&time, &parts)
        var out = pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
        out += "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
        if let milliseconds { out += "." + pad(milliseconds, 3) }
        return out + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// The current time with milliseconds, for log lines.
    public static func nowWithMilliseconds() -> String {
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        return milliseconds(millis / 1000, millis: Int(millis % 1000))
    }

    /// Current time in epoch seconds.
    public static func now() -> Int64 {
        Int64(Date().timeIntervalSince1970)
    }
}
