/// Why a document was refused. The parser never crashes on hostile input; it throws this.
public struct XMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong with the input, in words fit for a log line.
    public let reason: String

    /// Creates an error with a reason.
    public init(_ reason: String) {
        self.reason = reason
    }

    /// The reason, prefixed so that it reads well on its own.
    public var description: String { "malformed XML: \(reason)" }
}
