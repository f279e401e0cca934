#if canImport(Glibc)
import Glibc
#endif

/// Hands the terminal to the command's process group for an interactive run, as a shell does
/// for a job. In a group of its own the command is otherwise a background job of the terminal:
/// reading it would stop the command (SIGTTIN) while r53hook waits, holding the lock, forever.
/// With the terminal, Ctrl-C and Ctrl-Z go straight to the command's group (r53hook, no longer
/// in the foreground, carries on and tidies up). When r53hook does not hold the foreground
/// (cron, systemd, init scripts, `&`), nothing changes.
struct TerminalForeground {
    private let terminal: Int32
    private let previousGroup: pid_t

    /// Gives the controlling terminal to `group` when r53hook's group has it; nil otherwise.
    static func handOver(to group: pid_t) -> TerminalForeground? {
        let terminal = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard terminal >= 0 else { return nil }
        let own = getpgrp()
        guard tcgetpgrp(terminal) == own, tcsetpgrp(terminal, group) == 0 else {
            close(terminal)
            return nil
        }
        // The command may have read the terminal before it was its own and been stopped.
        kill(-group, SIGCONT)
        return TerminalForeground(terminal: terminal, previousGroup: own)
    }

    /// Takes the terminal back for r53hook's group. From the background, tcsetpgrp would stop
    /// r53hook with SIGTTOU unless this thread blocks it.
    func takeBack() {
        var block = sigset_t()
        var saved = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGTTOU)
        pthread_sigmask(SIG_BLOCK, &block, &saved)
        _ = tcsetpgrp(terminal, previousGroup)
        pthread_sigmask(SIG_SETMASK, &saved, nil)
        close(terminal)
    }
}
