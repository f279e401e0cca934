/// The error of the settings code (flags, environment, config file): what kind of failure it is
/// (which decides the exit code in the command line), a message that says what happened and
/// what to do, and the error underneath, if any. The layers below throw their own: `AWSKitError`
/// here, `DomainError` in the domain; this one goes when the settings table replaces it.
public struct HookError: Error, Sendable, CustomStringConvertible {
    /// The kinds of failure, each with its own exit code in the executable.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The command line is wrong (exit 64).
        case usage
        /// The configuration is wrong or does not match the account (exit 78).
        case configuration
        /// AWS refused the credentials or the action, or there are no credentials (exit 77).
        case accessDenied
        /// IMDS or AWS could not be reached, or answered nonsense (exit 69).
        case unreachable
        /// A condition that may pass: throttled past the deadline, lock held, quorum missing (exit 75).
        case temporary
        /// A bug or an impossible state (exit 70).
        case `internal`
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// What happened and what to do about it, in one or two sentences.
    public let message: String
    /// The lower-level error, for `--debug`.
    public let underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.message = message
        self.underlying = underlying
    }

    /// The message.
    public var description: String { message }
}
