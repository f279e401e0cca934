import AWSKit
import Logging

/// Writes one line per message to stderr, which journald and init scripts capture:
/// `r53hook: message`, with `warning:`, `error:` or `debug:` before the message when it is one,
/// and the metadata, if any, after it as ` key=value`.
///
/// Messages quote values from AWS and from other machines' records (a lock's owner, a foreign
/// mark), so control characters in the message and the metadata are escaped: a value carrying
/// "\n[fake] ..." stays inside its own line instead of forging the next one.
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let prefix: String
        switch event.level {
        case .trace, .debug: prefix = "debug: "
        case .info, .notice: prefix = ""
        case .warning: prefix = "warning: "
        case .error, .critical: prefix = "error: "
        }
        let merged = metadata.merging(event.metadata ?? [:]) { _, event in event }
        let fields = merged.keys.sorted().map { key in " \(key)=\(merged[key].map { "\($0)" } ?? "")" }.joined()
        StandardError.line("r53hook: \(prefix)" + PrintableText.escaping("\(event.message)\(fields)"))
    }
}
