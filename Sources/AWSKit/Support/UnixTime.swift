#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A point on the wall clock, in seconds since 1970-01-01T00:00:00Z.
package struct UnixTime: Sendable, Comparable, Hashable, CustomStringConvertible {
    /// Seconds since the epoch.
    package let seconds: Double

    /// Creates a time from seconds since the epoch.
    package init(seconds: Double) {
        self.seconds = seconds
    }

    /// Parses the ISO 8601 UTC forms AWS uses: `2026-11-22T10:00:00Z` and `2026-11-22T10:00:00.123Z`,
    /// and offsets such as `+00:00`. Returns nil for anything else.
    package init?(iso8601 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = Self.number(bytes, 0, 4), let month = Self.number(bytes, 5, 2),
            let day = Self.number(bytes, 8, 2), let hour = Self.number(bytes, 11, 2),
            let minute = Self.number(bytes, 14, 2), let second = Self.number(bytes, 17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }

        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard bytes.count == index + 6, bytes[index + 3] == UInt8(ascii: ":"),
                let hours = Self.number(bytes, index + 1, 2), let minutes = Self.number(bytes, index + 4, 2)
            else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        let days = Self.daysSinceEpoch(year: year, month: month, day: day)
        seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }

    /// Whole seconds a time written by another machine (a registry mark) may hold:
    /// 2000-01-01T00:00:00Z up to 2100-01-01T00:00:00Z. Every r53hook clock reads inside it,
    /// any difference of two such times is far from overflowing, and, being fixed, it judges a
    /// value the same on every machine, whatever its clock says: a mark valid for one member of
    /// the fleet is valid for all.
    package static let plausibleSeconds: ClosedRange<Int> = 946_684_800...4_102_444_800

    /// Reads whole Unix seconds written by another machine: 1 to 10 decimal digits (no sign, no
    /// space) within `plausibleSeconds`. Nil for anything else, so that no value read can make
    /// later arithmetic overflow.
    package static func plausibleWholeSeconds(_ text: Substring) -> Int? {
        guard (1...10).contains(text.utf8.count), text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let value = Int(text), plausibleSeconds.contains(value)
        else { return nil }
        return value
    }

    /// Seconds from `earlier` to `later`, saturating at Int's bounds instead of trapping: a
    /// difference of times from other machines must never crash the reader, whatever got
    /// past validation.
    package static func secondsBetween(_ earlier: Int, _ later: Int) -> Int {
        let (difference, overflow) = later.subtractingReportingOverflow(earlier)
        guard overflow else { return difference }
        return later < earlier ? Int.min : Int.max
    }

    /// The time as `YYYY-MM-DDTHH:MM:SSZ`; outside the years 1 to 9999 (not a time AWS or a
    /// clock gives), the number of seconds instead, since converting it would trap.
    package var iso8601: String {
        let whole = seconds.rounded(.down)
        guard whole.isFinite, whole >= -62_135_596_800, whole <= 253_402_300_799 else { return "\(seconds) s since 1970" }
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }

    /// The ISO 8601 form.
    package var description: String { iso8601 }

    /// This time moved by a number of seconds.
    package func adding(seconds delta: Double) -> UnixTime {
        UnixTime(seconds: seconds + delta)
    }

    /// Orders by seconds.
    package static func < (lhs: UnixTime, rhs: UnixTime) -> Bool { lhs.seconds < rhs.seconds }

    private static func number(_ bytes: [UInt8], _ start: Int, _ length: Int) -> Int? {
        guard start + length <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<(start + length)] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm), so no time zone is consulted.
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
