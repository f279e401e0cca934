import ArgumentParser
import CRuntime

/// The process entry: runs the root command with the arguments the kernel passed, read from the
/// C library's own copy so that a missing /proc cannot turn `r53hook stop ...` into a silent
/// `r53hook` that prints the help and exits 0.
@main
enum ProgramEntry {
    static func main() async {
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
