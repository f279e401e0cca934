import AWSKit
import R53HookKit

/// `status`'s section on what `watch` last saw (text and JSON).
enum WatchReportFormatter {
    /// Text lines.
    static func text(_ report: WatchReport) -> String {
        var lines = [
            "watch (pid \(report.pid), as of \(report.updated)):",
            "  decision: " + PrintableText.escaping(report.verdict),
            "  IMDS:     " + PrintableText.escaping(report.signals),
        ]
        if let health = report.health { lines.append("  health:   " + PrintableText.escaping(health)) }
        return lines.joined(separator: "\n")
    }

    /// The JSON object.
    static func jsonNode(_ report: WatchReport) -> JSONWriter.Node {
        .object([
            ("updated", .string(report.updated.iso8601)), ("pid", .int(report.pid)), ("decision", .string(report.verdict)),
            ("imds", .string(report.signals)), ("health", .optional(report.health)),
        ])
    }
}
