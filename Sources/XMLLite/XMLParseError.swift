/// Why a document was refused. The parser never crashes on hostile input; it throws this.
package struct XMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong with the input, in words fit for a log line.
    package let reason: String

    /// Creates an error with a reason.
    package init(_ reason: String) {
        self.reason = reason
    }

    /// The reason, prefixed so that it reads well on its own.
    package var description: String { "malformed XML: \(reason)" }
}
