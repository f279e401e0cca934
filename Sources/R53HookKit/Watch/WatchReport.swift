import AWSKit

/// What `watch` last saw and decided, kept in its runtime directory for `status`: a few
/// `key=value` lines, rewritten whole at each change.
package struct WatchReport: Sendable, Equatable {
    /// When it was written.
    package var updated: UnixTime
    /// The watch's process id.
    package var pid: Int
    /// The verdict, in words.
    package var verdict: String
    /// What IMDS said, in words.
    package var signals: String
    /// The local health gate's state, when there is one.
    package var health: String?

    /// Creates a report.
    package init(updated: UnixTime, pid: Int, verdict: String, signals: String, health: String? = nil) {
        self.updated = updated
        self.pid = pid
        self.verdict = verdict
        self.signals = signals
        self.health = health
    }

    /// The memo key it is kept under.
    package static let memoKey = "watch-status"

    /// The file's text; values are kept on one line each.
    package var text: String {
        var lines = ["updated=\(updated.iso8601)", "pid=\(pid)", "verdict=\(Self.oneLine(verdict))", "signals=\(Self.oneLine(signals))"]
        if let health { lines.append("health=\(Self.oneLine(health))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses the file's text; nil when it is not a report.
    package init?(text: String) {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let updatedText = fields["updated"], let updated = UnixTime(iso8601: updatedText), let pid = fields["pid"].flatMap({ Int($0) }),
            let verdict = fields["verdict"], let signals = fields["signals"]
        else { return nil }
        self.init(updated: updated, pid: pid, verdict: verdict, signals: signals, health: fields["health"])
    }

    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
