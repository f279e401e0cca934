import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Set by the SIGCONT handler: r53hook, stopped along with its command, has been continued.
private let continuedAfterStop = Atomic<Bool>(false)

private let noteContinued: @convention(c) (Int32) -> Void = { _ in
    continuedAfterStop.store(true, ordering: .releasing)
}

/// Hands the terminal to the command's process group for an interactive run, as a shell does
/// for a job. In a group of its own the command is otherwise a background job of the terminal:
/// reading it would stop the command (SIGTTIN) while r53hook waits, holding the lock, forever.
/// With the terminal, Ctrl-C goes straight to the command's group (r53hook, no longer in the
/// foreground, carries on and tidies up), and Ctrl-Z stops the command and then r53hook with it,
/// so the shell sees its job stopped and `fg` resumes both. When r53hook does not hold the
/// foreground (cron, systemd, init scripts, `&`), nothing changes.
///
/// SIGTTOU is ignored meanwhile: r53hook, now in the background, may log to the terminal (with
/// `stty tostop`) and must take the terminal back; the command itself starts with SIGTTOU at
/// its default.
struct TerminalForeground: Sendable {
    private let terminal: Int32
    private let ownGroup: pid_t
    private let commandGroup: pid_t
    private let previousTTOU: sigaction

    /// Gives the controlling terminal to `group` when r53hook's group has it; nil otherwise.
    static func handOver(to group: pid_t) -> TerminalForeground? {
        let terminal = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard terminal >= 0 else { return nil }
        let own = getpgrp()
        guard tcgetpgrp(terminal) == own else {
            close(terminal)
            return nil
        }
        let previous = SignalForwarder.setHandler(SIG_IGN, for: SIGTTOU)
        let foreground = TerminalForeground(terminal: terminal, ownGroup: own, commandGroup: group, previousTTOU: previous)
        foreground.giveToCommand()
        return foreground
    }

    /// The command stopped (Ctrl-Z, or SIGTTIN): take the terminal back and stop r53hook as
    /// well, as the shell's job; once continued, give the terminal back if r53hook has it
    /// again (`fg`) and continue the command.
    func stopWithTheCommand() {
        takeBack()
        if Self.shellCanContinueUs() {
            // The stop is taken by whichever thread the kernel picks, maybe after this one has
            // gone on: wait for the SIGCONT that ends it, not for kill() to return.
            continuedAfterStop.store(false, ordering: .releasing)
            var previous = SignalForwarder.setHandler(noteContinued, for: SIGCONT)
            kill(getpid(), SIGTSTP)
            while !continuedAfterStop.load(ordering: .acquiring) { usleep(10_000) }
            sigaction(SIGCONT, &previous, nil)
        }
        if tcgetpgrp(terminal) == ownGroup { giveToCommand() }
        kill(-commandGroup, SIGCONT)
    }

    /// Whether stopping r53hook hands it to a shell that can continue it: SIGTSTP at its default
    /// and a parent in the same session but another group (a job-control shell). Otherwise the
    /// kernel discards the stop (an orphaned group) or nothing would ever continue it; the
    /// command is then simply continued.
    private static func shellCanContinueUs() -> Bool {
        var current = sigaction()
        sigaction(SIGTSTP, nil, &current)
        guard current.__sigaction_handler.sa_handler == nil else { return false }  // SIG_DFL is nil
        let parent = getppid()
        return getsid(parent) == getsid(0) && getpgid(parent) != getpgrp()
    }

    /// Takes the terminal back for r53hook's group for good, and restores SIGTTOU.
    func end() {
        takeBack()
        var previous = previousTTOU
        sigaction(SIGTTOU, &previous, nil)
        close(terminal)
    }

    private func giveToCommand() {
        guard tcsetpgrp(terminal, commandGroup) == 0 else { return }
        // The command may have read the terminal before it was its own and been stopped.
        kill(-commandGroup, SIGCONT)
    }

    /// Only from the command's group: after `bg`, the terminal is the shell's, not ours to take.
    private func takeBack() {
        if tcgetpgrp(terminal) == commandGroup { _ = tcsetpgrp(terminal, ownGroup) }
    }
}
