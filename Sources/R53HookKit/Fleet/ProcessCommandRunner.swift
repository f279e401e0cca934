import Dispatch
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Runs commands with posix_spawn. While the command runs, SIGINT, SIGTERM and SIGHUP sent to
/// r53hook are passed on to it instead of ending r53hook, so r53hook outlives it and can still
/// tidy up (rejoin, release a lock); the command starts with default dispositions for them.
public struct ProcessCommandRunner: CommandRunner {
    private let logger: Logger
    private static let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Creates a runner.
    public init(logger: Logger) {
        self.logger = logger
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

        // Ignore the signals here first, so that from now on they reach the sources below.
        let previous = Self.forwarded.map { signal($0, SIG_IGN) }
        defer { for (index, handler) in previous.enumerated() { signal(Self.forwarded[index], handler) } }

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, program, nil, &attributes, &argv, environ)
        guard spawned == 0 else {
            logger.error("cannot run \(program): \(String(cString: strerror(spawned)))")
            return spawned == ENOENT ? 127 : 126
        }

        let child = pid
        let queue = DispatchQueue(label: "r53hook.signals")
        let sources = Self.forwarded.map { number -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { kill(child, number) }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }

        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var status: Int32 = 0
                while waitpid(child, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: Self.exitCode(fromWaitStatus: status))
            }
        }
    }

    /// The shell's convention: the exit code, or 128 + the signal that ended the process.
    static func exitCode(fromWaitStatus status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
