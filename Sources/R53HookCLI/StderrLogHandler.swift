import AWSKit
import Logging

/// Writes one line per message to stderr, which journald and init scripts capture:
/// `r53hook: message`, with `warning:`, `error:` or `debug:` before the message when it is one,
/// and the metadata, if any, after it as ` key=value`; or, with `--log-format json`, one JSON
/// object per line; under the journal, each with its syslog priority first (`LogStyle`).
///
/// Messages quote values from AWS and from other machines' records (a lock's owner, a foreign
/// mark), so control characters in the message and the metadata are escaped: a value carrying
/// "\n[fake] ..." stays inside its own line instead of forging the next one.
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    /// Text or JSON, with journal priorities or not (`LogStyle`).
    var style = LogStyle(json: false, journalPriorities: false)

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, event in event }
        let fields = merged.keys.sorted().map { key in (key, merged[key].map { "\($0)" } ?? "") }
        StandardError.line(style.line(level: event.level, message: "\(event.message)", fields: fields, time: SystemTimeSource().wallClock))
    }
}
