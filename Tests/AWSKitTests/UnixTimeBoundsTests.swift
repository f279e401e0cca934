import AWSKit
import Testing

@Suite struct UnixTimeBoundsTests {
    @Test func plausibleSecondsAreDigitsBetween2000And2100() {
        #expect(UnixTime.plausibleWholeSeconds("946684800") == 946_684_800)
        #expect(UnixTime.plausibleWholeSeconds("4102444800") == 4_102_444_800)
        #expect(UnixTime.plausibleWholeSeconds("1795000000") == 1_795_000_000)
        for text in [
            "946684799", "4102444801", "0", "-1", "+1795000000", " 1795000000", "1795000000 ", "1.7e9", "0x6AFC",
            "-9223372036854775808", "9223372036854775807", "99999999999999999999999", "", "soon", "１７９５０００００",
        ] {
            #expect(UnixTime.plausibleWholeSeconds(Substring(text)) == nil, "\(text)")
        }
    }

    @Test func differencesSaturateInsteadOfTrapping() {
        #expect(UnixTime.secondsBetween(100, 160) == 60)
        #expect(UnixTime.secondsBetween(160, 100) == -60)
        #expect(UnixTime.secondsBetween(Int.min, 1_795_000_000) == Int.max)
        #expect(UnixTime.secondsBetween(Int.max, -1_795_000_000) == Int.min)
        #expect(UnixTime.secondsBetween(Int.max, 1_795_000_000) == 1_795_000_000 - Int.max)
    }

    @Test func formattingAnyTimeNeverTraps() {
        #expect(UnixTime(seconds: 946_684_800).iso8601 == "2000-01-01T00:00:00Z")
        #expect(UnixTime(seconds: 4_102_444_800).iso8601 == "2100-01-01T00:00:00Z")
        for seconds in [Double(Int.max), -Double(Int.max), .infinity, .nan, 1e300] {
            #expect(UnixTime(seconds: seconds).iso8601.hasSuffix("s since 1970"))
        }
    }
}
