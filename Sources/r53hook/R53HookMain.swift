import AWSKit

/// The entry point. Its first act makes the process undumpable, before any key is read: no
/// core file or same-user memory read can then expose one. Then the command line takes over.
@main
enum R53HookMain {
    static func main() async {
        if !ProcessDumpability.disable() {
            StandardError.line("r53hook: warning: could not turn off core dumps (prctl PR_SET_DUMPABLE); a crash may write AWS keys to a core file")
        }
        await R53HookCommand.main()
    }
}
