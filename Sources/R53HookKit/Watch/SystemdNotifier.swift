import AWSKit

#if canImport(Glibc)
    import Glibc
#endif

/// Tells systemd how a `Type=notify` service is doing (sd_notify(3)): one datagram per message to
/// the socket in `NOTIFY_SOCKET`, whose leading `@` means Linux's abstract namespace. Without
/// that variable (not under systemd) every message is dropped. Best effort: a message that
/// cannot be sent is never a reason to fail.
package struct SystemdNotifier: Sendable {
    /// The socket's address as given (`/run/systemd/notify` or `@name`); nil when not under systemd.
    package let socketPath: String?
    /// How often to send `WATCHDOG=1` (half of `WATCHDOG_USEC`), when systemd asks for it from
    /// this process (`WATCHDOG_PID` unset or ours).
    package let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID`.
    package init(environment: ProcessEnvironment) {
        let path = environment["NOTIFY_SOCKET"]
        socketPath = (path?.isEmpty ?? true) ? nil : path
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if forUs, let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 {
            watchdogInterval = .microseconds(microseconds / 2)
        } else {
            watchdogInterval = nil
        }
    }

    /// Creates a notifier for a given socket (tests).
    package init(socketPath: String?, watchdogInterval: Duration? = nil) {
        self.socketPath = socketPath
        self.watchdogInterval = watchdogInterval
    }

    /// `READY=1` with a status line.
    package func ready(_ status: String) { send("READY=1\nSTATUS=\(status)") }

    /// `STATUS=...`.
    package func status(_ status: String) { send("STATUS=\(status)") }

    /// `STOPPING=1` with a status line.
    package func stopping(_ status: String) { send("STOPPING=1\nSTATUS=\(status)") }

    /// `WATCHDOG=1`.
    package func watchdog() { send("WATCHDOG=1") }

    /// `EXTEND_TIMEOUT_USEC=...`: systemd waits this much longer, from now, for the start or stop
    /// in progress (honoured for `Type=notify` services).
    package func extendTimeout(by duration: Duration) {
        send("EXTEND_TIMEOUT_USEC=\(duration.wholeMilliseconds * 1000)")
    }

    /// Sends one message; false when there is no socket or the send failed.
    @discardableResult
    package func send(_ message: String) -> Bool {
        guard let socketPath, var address = Self.address(socketPath) else { return false }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address.storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL), socketAddress, address.length)
            }
        }
        return sent == bytes.count
    }

    /// The `sockaddr_un` for the path: an abstract name (leading `@`) becomes a leading NUL and
    /// its length counts only its bytes, with no terminator. Nil when the path does not fit.
    private static func address(_ path: String) -> (storage: sockaddr_un, length: socklen_t)? {
        var bytes = Array(path.utf8)
        let isAbstract = bytes.first == UInt8(ascii: "@")
        if isAbstract { bytes[0] = 0 }
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        // A filesystem path needs room for its terminating NUL; an abstract name does not.
        guard !bytes.isEmpty, bytes.count + (isAbstract ? 0 : 1) <= capacity else { return nil }
        withUnsafeMutableBytes(of: &storage.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
        return (storage, socklen_t(offset + bytes.count + (isAbstract ? 0 : 1)))
    }
}
