import Dispatch
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The process signals are forwarded to, read by the signal handler: an atomic load and
/// `kill` are all it does, both safe in a signal handler.
private let forwardingTarget = Atomic<Int32>(0)

private let forwardSignal: @convention(c) (Int32) -> Void = { number in
    let target = forwardingTarget.load(ordering: .acquiring)
    if target > 0 { kill(target, number) }
}

/// Runs commands with posix_spawn. While the command runs, SIGINT, SIGTERM and SIGHUP sent to
/// r53hook are passed on to it instead of ending r53hook, so r53hook outlives it and can still
/// tidy up (rejoin, release a lock); the command starts with default dispositions for them.
/// (A real handler, not a Dispatch signal source: on Linux those only see blocked signals.)
public struct ProcessCommandRunner: CommandRunner {
    private let logger: Logger
    private let killGrace: Duration
    private static let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Creates a runner; a cancelled command gets `killGrace` between SIGTERM and SIGKILL.
    public init(logger: Logger, killGrace: Duration = .seconds(10)) {
        self.logger = logger
        self.killGrace = killGrace
    }

    public func run(_ arguments: [String]) async throws -> Int32 {
        guard let program = arguments.first else { return 127 }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in Self.forwarded { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, program, nil, &attributes, &argv, environ)
        guard spawned == 0 else {
            logger.error("cannot run \(program): \(String(cString: strerror(spawned)))")
            return spawned == ENOENT ? 127 : 126
        }

        let child = pid
        forwardingTarget.store(child, ordering: .releasing)
        var previous: [sigaction] = []
        for number in Self.forwarded {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = forwardSignal
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            var old = sigaction()
            sigaction(number, &action, &old)
            previous.append(old)
        }
        defer {
            for (index, number) in Self.forwarded.enumerated() {
                var old = previous[index]
                sigaction(number, &old, nil)
            }
            forwardingTarget.store(0, ordering: .releasing)
        }

        let exited = ExitFlag()
        let grace = killGrace
        let logger = self.logger
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    // See the exit without reaping (WNOWAIT), mark it, then reap: until the mark,
                    // the pid cannot have been reused, so the cancel handler's kill is safe.
                    var info = siginfo_t()
                    while waitid(P_PID, id_t(child), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
                    exited.set()
                    var status: Int32 = 0
                    while waitpid(child, &status, 0) == -1 && errno == EINTR {}
                    continuation.resume(returning: Self.exitCode(fromWaitStatus: status))
                }
            }
        } onCancel: {
            guard !exited.isSet else { return }
            logger.warning("terminating \(program) (pid \(child)): SIGTERM, then SIGKILL after \(grace.wholeMilliseconds < 10_000 ? "\(grace.wholeMilliseconds) ms" : "\(Int(grace.seconds)) s")")
            kill(child, SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(grace.wholeMilliseconds))) {
                if !exited.isSet { kill(child, SIGKILL) }
            }
        }
    }

    /// The shell's convention: the exit code, or 128 + the signal that ended the process.
    static func exitCode(fromWaitStatus status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

/// Set once the child has been reaped, so no signal is sent to a recycled pid.
private final class ExitFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func set() { flag.store(true, ordering: .releasing) }
    var isSet: Bool { flag.load(ordering: .acquiring) }
}
