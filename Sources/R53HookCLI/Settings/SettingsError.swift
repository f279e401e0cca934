/// What is wrong with the settings (flags, environment, config file, instance tags), found
/// before any AWS call: the command line's own error, as `AWSKitError` and `DomainError` are
/// the layers' below. Its kind decides the exit code: a bad flag is a usage error, a bad value
/// from anywhere else a configuration error, each message naming where the value came from.
struct SettingsError: Error, Sendable, CustomStringConvertible {
    /// The kinds of failure, each with its own exit code.
    enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The command line is wrong (exit 64).
        case usage
        /// The environment, the config file or a tag is wrong, or does not fit (exit 78).
        case configuration
        /// The settings table contradicts itself: a bug (exit 70).
        case `internal`
    }

    /// What kind of failure this is.
    let kind: Kind
    /// What happened and what to do about it, in one or two sentences.
    let message: String
    /// The lower-level error, for `--debug`.
    let underlying: (any Error & Sendable)?

    /// Creates an error.
    init(_ kind: Kind, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.message = message
        self.underlying = underlying
    }

    /// The message.
    var description: String { message }
}
