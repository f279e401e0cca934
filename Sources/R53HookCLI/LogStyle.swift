import AWSKit
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How a log line is written: text (`r53hook: warning: ...`) or one JSON object per line
/// (`--log-format json`, for log shippers), and, when stderr is the systemd journal's stream
/// (`JOURNAL_STREAM` names it), with the syslog priority first (`<4>`), which journald takes as
/// the line's priority, so `journalctl -p warning` works. Set once when logging starts; error
/// messages written before that read the environment.
struct LogStyle: Sendable, Equatable {
    /// One JSON object per line instead of text.
    var json: Bool
    /// Start each line with `<N>`, the syslog priority.
    var journalPriorities: Bool

    private static let chosen = Mutex<LogStyle?>(nil)

    /// The style in use: the one logging started with, else what the environment says.
    static var current: LogStyle {
        chosen.withLock { $0 } ?? detect(json: ProcessEnvironment.current()["R53HOOK_LOG_FORMAT"] == "json")
    }

    /// Makes `style` the one every line uses from now on.
    static func use(_ style: LogStyle) {
        chosen.withLock { $0 = style }
    }

    /// The style for this process: journal priorities when stderr is the stream `JOURNAL_STREAM`
    /// names (device:inode), as sd_journal_stream_fd(3) documents; not when stderr was
    /// redirected elsewhere by a child of the service.
    static func detect(json: Bool, environment: ProcessEnvironment = .current()) -> LogStyle {
        LogStyle(json: json, journalPriorities: stderrIsJournal(environment["JOURNAL_STREAM"]))
    }

    /// Whether `value` ("DEVICE:INODE") names file descriptor 2.
    static func stderrIsJournal(_ value: String?) -> Bool {
        guard let value, let colon = value.firstIndex(of: ":"), let device = UInt64(value[..<colon]),
            let inode = UInt64(value[value.index(after: colon)...])
        else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// The syslog priority of a level: 7 debug, 6 info, 5 notice, 4 warning, 3 error, 2 critical.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// The line for a message; `fields` are the metadata, in key order.
    func line(level: Logger.Level, message: String, fields: [(String, String)] = [], time: UnixTime? = nil) -> String {
        let priority = journalPriorities ? "<\(Self.priority(level))>" : ""
        guard json else {
            let word: String
            switch level {
            case .trace, .debug: word = "debug: "
            case .info, .notice: word = ""
            case .warning: word = "warning: "
            case .error, .critical: word = "error: "
            }
            let text = message + fields.map { " \($0.0)=\($0.1)" }.joined()
            return priority + "r53hook: " + word + PrintableText.escaping(text)
        }
        var members: [(String, String)] = []
        if let time { members.append(("time", time.iso8601)) }
        members.append(("level", level.rawValue))
        members.append(("message", message))
        members += fields.filter { !["time", "level", "message"].contains($0.0) }
        // JSON escapes every control character, so a value cannot forge the next line.
        return priority + "{" + members.map { JSONWriter.quote($0.0) + ":" + JSONWriter.quote($0.1) }.joined(separator: ",") + "}"
    }
}
