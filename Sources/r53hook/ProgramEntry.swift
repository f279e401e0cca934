import AWSKit
import CRuntime
import R53HookCLI

/// The process entry. Its first act makes the process undumpable, before any key is read: no
/// core file or same-user memory read can then expose one. Then the root command runs with the
/// arguments the kernel passed, read from the C library's own copy so that a missing /proc cannot
/// turn `r53hook stop ...` into a silent `r53hook` that prints the help and exits 0. (Without
/// /proc nothing gets this far: CRuntime's proc_required.c exits 78 first, as the thread pool
/// needs /proc.)
@main
enum ProgramEntry {
    static func main() async {
        if !ProcessDumpability.disable() {
            StandardError.line("r53hook: warning: could not turn off core dumps (prctl PR_SET_DUMPABLE); a crash may write AWS keys to a core file")
        }
        await R53HookCommand.main(commandLineArguments())
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
