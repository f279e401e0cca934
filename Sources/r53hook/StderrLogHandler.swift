import Logging

/// Writes one line per message to stderr, which journald and init scripts capture:
/// `r53hook: message`, with `warning:`, `error:` or `debug:` before the message when it is one.
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
        StandardError.line("r53hook: \(prefix)\(event.message)")
    }
}
