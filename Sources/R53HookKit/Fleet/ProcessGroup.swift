#if canImport(Glibc)
    import Glibc
#endif

/// The process group the operator's command runs in: the command and everything it starts
/// (unless something leaves the group with setsid or setpgid, as a daemon does). Signalling
/// the group reaches grandchildren that signalling the command alone would miss.
///
/// Its number is the command's pid, which stays reserved while the command is an unreaped
/// zombie or any member lives: the caller signals it only until it reaps the command.
struct ProcessGroup: Sendable {
    let id: pid_t

    /// Sends `signal` to every member.
    func send(_ signal: Int32) {
        kill(-id, signal)
    }

    /// The members that have not exited (zombies waiting for their reaper have), read from
    /// /proc: `kill(-id, 0)` would count zombies too, and orphans are reaped by whatever runs
    /// as pid 1, which in a container may be slow or never.
    func liveMembers() -> [pid_t] {
        if kill(-id, 0) == -1 && errno == ESRCH { return [] }
        guard let directory = opendir("/proc") else { return [id] }
        defer { closedir(directory) }
        var members: [pid_t] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = pid_t(name), let stat = Self.readStat(of: pid),
                let parsed = Self.parseStat(stat), parsed.processGroup == id, parsed.isLive
            else { continue }
            members.append(pid)
        }
        return members
    }

    /// Waits until no member lives or `deadline` passes; true when none lives.
    func waitUntilEmpty(deadline: ContinuousClock.Instant) -> Bool {
        while true {
            if liveMembers().isEmpty { return true }
            if ContinuousClock.now >= deadline { return false }
            usleep(20_000)
        }
    }

    /// Ends every member: SIGTERM (with SIGCONT, so a stopped member can act on it) unless it was
    /// sent at `terminatedAt` already, SIGKILL at that time + `grace`, and returns once no member
    /// lives; the pids that survive SIGKILL for `killWait` (stuck in the kernel) are returned.
    func fence(grace: Duration, terminatedAt: ContinuousClock.Instant?, killWait: Duration = .seconds(5)) -> [pid_t] {
        if terminatedAt == nil {
            send(SIGTERM)
            send(SIGCONT)
        }
        if waitUntilEmpty(deadline: (terminatedAt ?? .now) + grace) { return [] }
        send(SIGKILL)
        if waitUntilEmpty(deadline: .now + killWait) { return [] }
        return liveMembers()
    }

    /// The beginning of /proc/PID/stat, enough for the state and the group.
    private static func readStat(of pid: pid_t) -> [UInt8]? {
        let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        return count > 0 ? Array(buffer.prefix(count)) : nil
    }

    /// Parses `PID (COMM) STATE PPID PGRP ...`; COMM may hold spaces and parentheses, so the
    /// fields are counted from the last ')'.
    static func parseStat(_ line: [UInt8]) -> (isLive: Bool, processGroup: pid_t)? {
        guard let close = line.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = line[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count >= 3, let state = fields[0].first,
            let group = pid_t(String(decoding: fields[2], as: UTF8.self))
        else { return nil }
        return (state != UInt8(ascii: "Z") && state != UInt8(ascii: "X"), group)
    }
}
