import Dispatch

/// Runs a blocking call (libcurl's perform, waitid) on a thread of its own, never on the
/// threads that run Swift tasks.
///
/// On Linux, Swift concurrency's global executor and `DispatchQueue.global()` share one pool of
/// threads, as wide as the machine has CPUs. A blocking call sent to `DispatchQueue.global()`
/// holds one of them: on a 2-CPU instance, a command run under the lock (waitid for its whole
/// life) and one request in flight left no thread for any task, so lease renewals, deadlines
/// and cancellations waited until the request ended (measured: a 100 ms `Task.sleep` woke after
/// 3 s behind four 3 s blocking calls; ThreadSanitizer's slower run of the unit tests showed it
/// as a cancellation that arrived 5 s late). A serial queue of its own runs on Dispatch's
/// overcommitting pool, which starts a thread when none is free, so Swift tasks keep theirs.
package enum BlockingWork {
    /// Runs `body` on its own thread and returns its result.
    package static func run<Result: Sendable>(_ label: String, _ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            DispatchQueue(label: "r53hook.blocking.\(label)").async {
                continuation.resume(returning: body())
            }
        }
    }
}
