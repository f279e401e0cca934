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

    // swiftlint:disable:next function_parameter_count
    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let prefix: String
        switch level {
        case .trace, .debug: prefix = "debug: "
        case .info, .notice: prefix = ""
        case .warning: prefix = "warning: "
        case .error, .critical: prefix = "error: "
        }
        StandardError.line("r53hook: \(prefix)\(message)")
    }
}
