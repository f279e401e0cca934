import SigV4
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("SigV4Date formatting")
struct SigV4DateTests {
    @Test(
        "renders known instants",
        arguments: [
            (Int64(0), "19700101T000000Z"),
            (Int64(1_440_938_160), "20150830T123600Z"),
            // Leap day 2024 at its last second, and the second after it.
            (Int64(1_709_251_199), "20240229T235959Z"),
            (Int64(1_709_251_200), "20240301T000000Z"),
            // 2000 is a leap year (divisible by 400).
            (Int64(951_782_400), "20000229T000000Z"),
            // 1900 and 2100 are not (divisible by 100): the day after 28 February is 1 March.
            (Int64(-2_203_934_400), "19000228T120000Z"),
            (Int64(-2_203_934_400 + 86_400), "19000301T120000Z"),
            (Int64(4_107_542_399), "21000228T235959Z"),
            (Int64(4_107_542_399 + 1), "21000301T000000Z"),
            // Before the epoch, rounding must go down, not toward zero.
            (Int64(-1), "19691231T235959Z"),
            // Past the 32-bit time_t limit.
            (Int64(2_147_483_648), "20380119T031408Z"),
            (Int64(253_402_300_799), "99991231T235959Z"),
        ])
    func amzDate(secondsSince1970: Int64, expected: String) {
        let date = SigV4Date(secondsSince1970: secondsSince1970)
        #expect(date.amzDate == expected)
        #expect(date.dateStamp == String(expected.prefix(8)))
    }

    @Test func equalityFollowsTheInstant() {
        #expect(SigV4Date(secondsSince1970: 42) == SigV4Date(secondsSince1970: 42))
        #expect(SigV4Date(secondsSince1970: 42) != SigV4Date(secondsSince1970: 43))
    }

    /// The signer computes the calendar itself instead of calling gmtime_r; this shows the
    /// two agree from 1901 to 2400, stepping by an odd number of seconds so every time of
    /// day, day of month and leap-year rule is crossed many times.
    @Test func agreesWithGmtimeAcrossCenturies() {
        let first: Int64 = -2_147_483_648
        let last: Int64 = 13_569_465_600  // 2400-01-01
        var mismatches: [String] = []
        for seconds in stride(from: first, through: last, by: 86_400 * 3 + 3_607) {
            let expected = gmtimeAmzDate(seconds)
            let actual = SigV4Date(secondsSince1970: seconds).amzDate
            if actual != expected {
                mismatches.append("\(seconds): \(actual) != \(expected)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    private func gmtimeAmzDate(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "gmtime_r failed" }
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + "Z"
    }
}
