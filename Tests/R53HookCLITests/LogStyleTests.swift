import AWSKit
import Logging
import Testing

@testable import R53HookCLI

#if canImport(Glibc)
    import Glibc
#endif

/// Log lines for the journal (syslog priority first) and for shippers (one JSON object a line).
@Suite struct LogStyleTests {
    @Test func textLinesKeepTheirWordsAndGainThePriorityUnderTheJournal() {
        let plain = LogStyle(json: false, journalPriorities: false)
        #expect(plain.line(level: .warning, message: "careful", fields: [("zone", "Z1")]) == "r53hook: warning: careful zone=Z1")
        let journal = LogStyle(json: false, journalPriorities: true)
        #expect(journal.line(level: .error, message: "failed") == "<3>r53hook: error: failed")
        #expect(journal.line(level: .warning, message: "w") == "<4>r53hook: warning: w")
        #expect(journal.line(level: .notice, message: "n") == "<5>r53hook: n")
        #expect(journal.line(level: .info, message: "i") == "<6>r53hook: i")
        #expect(journal.line(level: .debug, message: "d") == "<7>r53hook: debug: d")
        // A forged second line stays inside the first.
        #expect(!plain.line(level: .info, message: "a\nr53hook: error: forged").contains("\n"))
    }

    @Test func jsonLinesAreOneObjectWithTimeLevelMessageAndFields() throws {
        let json = LogStyle(json: true, journalPriorities: false)
        let line = json.line(level: .info, message: "joined \"x\"\nnext", fields: [("zone", "Z1"), ("level", "forged")], time: UnixTime(seconds: 0))
        #expect(!line.contains("\n"))
        let parsed = try JSONParser.parse(line)
        #expect(parsed["time"]?.stringValue == "1970-01-01T00:00:00Z")
        #expect(parsed["level"]?.stringValue == "info")
        #expect(parsed["message"]?.stringValue == "joined \"x\"\nnext")
        #expect(parsed["zone"]?.stringValue == "Z1")
        #expect(LogStyle(json: true, journalPriorities: true).line(level: .warning, message: "w").hasPrefix("<4>{"))
    }

    @Test func theJournalIsRecognisedOnlyWhenStderrIsItsStream() {
        var info = stat()
        #expect(fstat(2, &info) == 0)
        #expect(LogStyle.stderrIsJournal("\(info.st_dev):\(info.st_ino)"))
        #expect(!LogStyle.stderrIsJournal("\(info.st_dev):\(info.st_ino + 1)"))
        #expect(!LogStyle.stderrIsJournal("garbage"))
        #expect(!LogStyle.stderrIsJournal(nil))
    }
}
