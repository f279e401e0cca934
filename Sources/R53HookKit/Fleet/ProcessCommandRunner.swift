import AWSKit
import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs commands with posix_spawn, each in a process group of its own so that the command and
/// everything it starts can be signalled, fenced and waited for together. While the command
/// runs, SIGINT, SIGTERM and SIGHUP sent to r53hook are passed on to its group instead of ending
/// r53hook, so r53hook outlives it and can still tidy up (rejoin, release a lock). The command
/// starts with default signal dispositions and an empty mask, standard input, output and error
/// only (no descriptor of r53hook's above 2), and without the AWS secrets in its environment
/// unless they are passed on.
///
/// Hand-written rather than swift-subprocess 1.0: that needs tools version 6.2 and swift-system,
/// installs its own SIGCHLD handler and monitor thread on kernels without pidfd (Amazon Linux 2's
/// 4.14), and its teardown can signal the group but waits only for the direct child; the wait
/// for the whole group, the leftovers and the forwarding without a race would still be ours.
package struct ProcessCommandRunner: CommandRunner {
    /// What happens to members of the group still running when the command itself exits.
    package enum Leftovers: Sendable {
        /// Terminate them (SIGTERM, SIGKILL after the grace) before returning: `lock`, whose
        /// lock is released next and must not leave work running without it.
        case terminate
        /// Leave them: `cycle`, whose command may be a restart that starts a daemon.
        case leave
    }

    private let logger: Logger
    private let killGrace: Duration
    private let leftovers: Leftovers
    private let passesAWSCredentials: Bool

    /// Creates a runner; a cancelled command's group gets `killGrace` between SIGTERM and SIGKILL.
    package init(
        logger: Logger, killGrace: Duration = .seconds(10), leftovers: Leftovers = .leave,
        passesAWSCredentials: Bool = false
    ) {
        self.logger = logger
        self.killGrace = killGrace
        self.leftovers = leftovers
        self.passesAWSCredentials = passesAWSCredentials
    }

    package func run(_ arguments: [String]) async throws -> Int32 {
        guard let program = arguments.first else { return 127 }
        let forwarder = SignalForwarder.install()
        var spawnedPid = pid_t()
        let spawned = spawn(arguments, pid: &spawnedPid)
        guard spawned == 0 else {
            reportLate(forwarder.uninstall(), program: program)
            logger.error("cannot run \(program): \(String(cString: strerror(spawned)))")
            return spawned == ENOENT ? 127 : 126
        }
        let pid = spawnedPid
        let group = ProcessGroup(id: pid)
        if let early = forwarder.forward(to: pid) {
            logger.warning("\(Self.name(ofSignal: early)) arrived while \(program) was starting: passed on to it")
        }
        let terminal = TerminalForeground.handOver(to: pid)
        let fence = FenceState()
        let grace = killGrace
        let leftovers = self.leftovers
        let logger = self.logger
        let runner = self
        return await withTaskCancellationHandler {
            await BlockingWork.run("waitid") {
                Self.waitForExit(of: pid, stoppingWith: terminal)
                terminal?.end()
                let terminatedAt = fence.terminatedAt
                let left = group.liveMembers()
                if !left.isEmpty {
                    if terminatedAt != nil || leftovers == .terminate {
                        if terminatedAt == nil {
                            logger.warning(
                                "\(program) exited with \(left.count) process(es) it started still running (pids \(Self.list(left))): terminating them, SIGKILL after \(grace.preciseText)")
                        }
                        let survivors = group.fence(grace: grace, terminatedAt: terminatedAt)
                        if !survivors.isEmpty {
                            logger.error(
                                "processes of \(program) survive SIGKILL (pids \(Self.list(survivors)), stuck in the kernel?): check them with ps -o pid,stat,wchan:20,cmd -p \(survivors.prefix(10).map(String.init).joined(separator: ","))"
                            )
                        }
                    } else {
                        logger.notice("\(program) exited with \(left.count) process(es) it started still running (pids \(Self.list(left))): left running")
                    }
                }
                runner.reportLate(forwarder.uninstall(), program: program)
                fence.markReaped()
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                return Self.exitCode(fromWaitStatus: status)
            }
        } onCancel: {
            fence.terminate(group, grace: grace) {
                logger.warning("terminating \(program) (process group \(pid)): SIGTERM, then SIGKILL after \(grace.preciseText)")
            }
        }
    }

    /// Waits until the command has exited, without reaping it (WNOWAIT): the zombie keeps the
    /// group's number reserved while the rest of the group is dealt with. In an interactive run
    /// a stopped command (Ctrl-Z) stops r53hook too, until the shell continues it.
    private static func waitForExit(of pid: pid_t, stoppingWith terminal: TerminalForeground?) {
        let events = terminal == nil ? WEXITED | WNOWAIT : WEXITED | WSTOPPED | WNOWAIT
        while true {
            var info = siginfo_t()
            if waitid(P_PID, id_t(pid), &info, events) == -1 {
                if errno == EINTR { continue }
                return
            }
            guard info.si_code == CLD_STOPPED, let terminal else { return }
            // Consume the stop report (it stays waitable under WNOWAIT), then follow it.
            var consumed = siginfo_t()
            _ = waitid(P_PID, id_t(pid), &consumed, WSTOPPED | WNOHANG)
            terminal.stopWithTheCommand()
        }
    }

    private func reportLate(_ signal: Int32?, program: String) {
        if let signal { logger.warning("\(Self.name(ofSignal: signal)) arrived as \(program) ended: not passed on") }
    }

    /// Spawns `arguments` in a new process group; returns 0 or the errno of the failure.
    private func spawn(_ arguments: [String], pid: inout pid_t) -> Int32 {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Every catchable signal back to its default: an ignored disposition (SIGPIPE, say)
        // would otherwise survive the exec.
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        InheritedDescriptors.closeAboveStandardError(in: &actions)

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var environment = ChildEnvironment.current(passingAWSCredentials: passesAWSCredentials)
        return posix_spawnp(&pid, arguments[0], &actions, &attributes, &argv, &environment)
    }

    private static func name(ofSignal number: Int32) -> String {
        switch number {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(number)"
        }
    }

    private static func list(_ pids: [pid_t]) -> String {
        pids.prefix(10).map(String.init).joined(separator: " ") + (pids.count > 10 ? " ..." : "")
    }

    /// The shell's convention: the exit code, or 128 + the signal that ended the process.
    static func exitCode(fromWaitStatus status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

/// The cancellation's side of a run: when the group was first sent SIGTERM, and whether the
/// command has been reaped. One lock around both, so no signal goes to the group's number
/// after the reap, when it may be reused.
private final class FenceState: Sendable {
    private struct State {
        var terminatedAt: ContinuousClock.Instant?
        var reaped = false
    }
    private let state = Mutex(State())

    var terminatedAt: ContinuousClock.Instant? { state.withLock { $0.terminatedAt } }

    func markReaped() { state.withLock { $0.reaped = true } }

    /// SIGTERM to the group now (once), SIGKILL after the grace unless the command was reaped.
    func terminate(_ group: ProcessGroup, grace: Duration, announce: @Sendable () -> Void) {
        let first = state.withLock { state -> Bool in
            guard !state.reaped, state.terminatedAt == nil else { return false }
            state.terminatedAt = .now
            group.send(SIGTERM)
            group.send(SIGCONT)
            return true
        }
        guard first else { return }
        announce()
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(grace.wholeMilliseconds))) {
            self.state.withLock { state in
                if !state.reaped { group.send(SIGKILL) }
            }
        }
    }
}
