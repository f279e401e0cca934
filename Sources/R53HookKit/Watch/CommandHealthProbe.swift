import AWSKit

#if canImport(Glibc)
    import Glibc
#endif

/// `--check-cmd`: healthy when `/bin/sh -c CMD` exits 0 within the timeout; after it the command
/// is killed and the check failed. Its output goes where watch's goes; its input is /dev/null.
/// It is spawned without touching watch's signal handlers (SIGTERM must still reach watch).
package struct CommandHealthProbe: HealthProbe {
    private let command: String
    private let timeout: Duration
    private let time: any TimeSource

    /// Creates the probe.
    package init(command: String, timeout: Duration, time: any TimeSource) {
        self.command = command
        self.timeout = timeout
        self.time = time
    }

    package var description: String { "/bin/sh -c \(command)" }

    package func check() async -> Bool {
        guard let pid = spawn() else { return false }
        let end = time.monotonicNow + timeout
        while true {
            var status: Int32 = 0
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid {
                // Exited normally (no signal) with status 0.
                return (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0
            }
            if done < 0 && errno != EINTR { return false }
            if time.monotonicNow >= end || Task.isCancelled {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return false
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private func spawn() -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with default dispositions for the signals watch catches.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let arguments = ["/bin/sh", "-c", command]
        var pid = pid_t()
        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        let result = cArguments.withUnsafeBufferPointer { buffer -> Int32 in
            guard let argv = buffer.baseAddress else { return EINVAL }
            return posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        }
        return result == 0 ? pid : nil
    }
}
