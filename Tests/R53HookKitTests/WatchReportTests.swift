import AWSKit
import R53HookKit
import Testing

/// The report `watch` keeps for `status` survives its own file format, one value per line.
@Suite struct WatchReportTests {
    @Test func roundTripsAndKeepsEachValueOnOneLine() throws {
        let report = WatchReport(
            updated: UnixTime(seconds: 1_795_000_000), pid: 4242, verdict: "out: spot\ninterruption", signals: "spot terminate", health: "passing")
        let parsed = try #require(WatchReport(text: report.text))
        #expect(parsed.pid == 4242 && parsed.updated == report.updated && parsed.health == "passing")
        #expect(parsed.verdict == "out: spot interruption")
        #expect(report.text.split(separator: "\n").count == 5)
        #expect(WatchReport(text: "garbage") == nil)
    }
}
