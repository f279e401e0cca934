/// Runs an operator's command; a seam so `cycle` and `lock` can be tested without processes.
package protocol CommandRunner: Sendable {
    /// Runs the command with this process's standard input, output and error, forwarding
    /// SIGINT, SIGTERM and SIGHUP to it (to its whole process group), and returns its exit
    /// status (128 + N when signal N ended it, 127 when it could not be started). Cancelling
    /// the task terminates the command and everything it started: SIGTERM, then SIGKILL after
    /// a grace period; the status is returned once none of them is left.
    func run(_ arguments: [String]) async throws -> Int32
}
