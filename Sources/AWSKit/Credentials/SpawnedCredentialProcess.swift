#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs credential processes with posix_spawn: standard output into a pipe that is read with
/// a timeout, standard input and error shared with r53hook (its error messages reach the
/// journal), the environment of r53hook. Each runs in a process group of its own, so that at
/// the timeout the whole group is killed: a `sleep` left behind by a script would otherwise
/// hold r53hook's standard error open long after r53hook gave up. (An interactive prompt on a
/// terminal is therefore not supported: r53hook runs at boot and from hooks.)
package struct SpawnedCredentialProcess: CredentialProcessRunning {
    /// More than any credential document: a program writing this much is not one.
    static let maximumOutput = 64 * 1024

    /// Creates the runner.
    package init() {}

    package func run(_ arguments: [String], timeout: Duration) async -> CredentialProcessOutcome {
        guard !arguments.isEmpty else { return .notStarted(errno: ENOENT) }
        let milliseconds = timeout.wholeMilliseconds
        return await BlockingWork.run("credential_process") { Self.runBlocking(arguments, timeoutMilliseconds: milliseconds) }
    }

    private static func runBlocking(_ arguments: [String], timeoutMilliseconds: Int64) -> CredentialProcessOutcome {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { return .notStarted(errno: errno) }
        let readEnd = descriptors[0]
        let writeEnd = descriptors[1]
        // Neither end reaches the program as such (pipe2 with O_CLOEXEC is not in Swift's
        // Glibc): its standard output is the write end's duplicate, which exec keeps.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        defer { close(readEnd) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, &argv, environ)
        close(writeEnd)
        guard spawned == 0 else { return .notStarted(errno: spawned) }

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let start = monotonicMilliseconds()
        var outcome: CredentialProcessOutcome?
        reading: while true {
            let left = timeoutMilliseconds - (monotonicMilliseconds() - start)
            if left <= 0 {
                outcome = .timedOut
                break
            }
            var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left, 60_000)))
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                break
            }
            if count == 0 { break reading }
            output.append(contentsOf: buffer[0..<count])
            if output.count > maximumOutput {
                outcome = .outputTooLarge
                break
            }
        }
        var status: Int32 = 0
        if outcome == nil {
            // Its output is closed; it may still be running (a child of its own holding on):
            // the same timeout bounds the wait for its exit.
            while true {
                let reaped = waitpid(pid, &status, WNOHANG)
                if reaped == pid { return .exited(code: exitCode(status), output: output) }
                if reaped == -1 && errno != EINTR { return .exited(code: 127, output: output) }
                if monotonicMilliseconds() - start >= timeoutMilliseconds {
                    outcome = .timedOut
                    break
                }
                usleep(5_000)
            }
        }
        kill(-pid, SIGKILL)
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return outcome ?? .timedOut
    }

    /// The shell's convention: the exit code, or 128 + the signal that ended the process.
    private static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func monotonicMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
