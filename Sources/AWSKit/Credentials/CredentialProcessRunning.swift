/// Runs a `credential_process` command: a seam, so the provider is tested without processes.
package protocol CredentialProcessRunning: Sendable {
    /// Runs the program with its arguments (no shell) and returns how it ended and its
    /// standard output; its standard error goes to r53hook's.
    func run(_ arguments: [String], timeout: Duration) async -> CredentialProcessOutcome
}

/// How a credential process ended.
package enum CredentialProcessOutcome: Sendable, Equatable {
    /// It exited (the code, or 128 + the signal that ended it) after writing `output`.
    case exited(code: Int32, output: [UInt8])
    /// It could not be started (the errno of the spawn).
    case notStarted(errno: Int32)
    /// It was still running at the timeout, and was killed.
    case timedOut
    /// It wrote more than a credential document can be, and was killed.
    case outputTooLarge
}
