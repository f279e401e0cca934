import AWSKit
import CRuntime
import Dispatch
import R53HookCLI

/// The process entry. Its first act makes the process undumpable, before any key is read: no
/// core file or same-user memory read can then expose one. Then the root command runs with the
/// arguments the kernel passed, read from the C library's own copy so that a missing /proc cannot
/// turn `r53hook stop ...` into a silent `r53hook` that prints the help and exits 0. (Without
/// /proc nothing gets this far: CRuntime's proc_required.c exits 78 first, as the thread pool
/// needs /proc.)
///
/// The entry is synchronous on purpose: the command runs as a task on the global executor while
/// the main thread waits for it. An `async` entry ends the main thread with `dispatch_main`, whose
/// `pthread_exit` unwinds that thread's stack at start, and the unwinder reads and sorts every
/// frame description of the binary (about 1.6 MiB of `.eh_frame` and its index) that stay
/// resident for the life of the process, which for `watch` is the life of the instance. Nothing
/// in r53hook runs on the main actor, so nothing waits for the blocked main thread; signals
/// reach the handlers of whichever thread takes them (`InterruptWatch`, `SignalForwarder`).
@main
enum ProgramEntry {
    static func main() {
        if !ProcessDumpability.disable() {
            StandardError.line("r53hook: warning: could not turn off core dumps (prctl PR_SET_DUMPABLE); a crash may write AWS keys to a core file")
        }
        let arguments = commandLineArguments()
        let finished = DispatchSemaphore(value: 0)
        Task.detached {
            await R53HookCommand.main(arguments)
            finished.signal()
        }
        finished.wait()
    }

    /// The arguments after the program name: glibc's argv when the constructor saw it, else
    /// `CommandLine.arguments` (which the static Swift runtime reads from /proc/self/cmdline).
    static func commandLineArguments() -> [String] {
        let count = Int(r53hook_captured_argc())
        guard count > 0 else { return Array(CommandLine.arguments.dropFirst()) }
        return (1..<count).compactMap { index in
            r53hook_captured_argument(Int32(index)).map { String(cString: $0) }
        }
    }
}
