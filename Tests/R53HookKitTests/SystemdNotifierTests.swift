import AWSKit
import R53HookKit
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// sd_notify's wire format: one datagram per message, to a filesystem socket or to an abstract
/// one (`@name`), and the watchdog interval from WATCHDOG_USEC.
@Suite struct SystemdNotifierTests {
    /// A bound datagram socket standing in for systemd; returns what it received.
    private final class Receiver {
        let descriptor: Int32

        init?(address path: String) {
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            var bytes = Array(path.utf8)
            let abstract = bytes.first == UInt8(ascii: "@")
            if abstract { bytes[0] = 0 }
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in bytes.enumerated() { buffer[index] = byte }
            }
            let length = socklen_t(2 + bytes.count + (abstract ? 0 : 1))
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
            }
            guard bound == 0 else { return nil }
        }

        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard count > 0 else { return nil }
            return String(decoding: buffer[0..<count], as: UTF8.self)
        }

        deinit { close(descriptor) }
    }

    @Test func sendsToAnAbstractSocket() throws {
        let name = "@r53hook-notify-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let receiver = try #require(Receiver(address: name))
        let notifier = SystemdNotifier(environment: ProcessEnvironment(["NOTIFY_SOCKET": name]))
        notifier.ready("joined")
        #expect(receiver.receive() == "READY=1\nSTATUS=joined")
        notifier.extendTimeout(by: .seconds(30))
        #expect(receiver.receive() == "EXTEND_TIMEOUT_USEC=30000000")
        notifier.stopping("SIGTERM: leaving")
        #expect(receiver.receive() == "STOPPING=1\nSTATUS=SIGTERM: leaving")
    }

    @Test func sendsToAFilesystemSocket() throws {
        let path = "/tmp/r53hook-notify-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let receiver = try #require(Receiver(address: path))
        defer { unlink(path) }
        let notifier = SystemdNotifier(environment: ProcessEnvironment(["NOTIFY_SOCKET": path]))
        notifier.watchdog()
        #expect(receiver.receive() == "WATCHDOG=1")
    }

    @Test func withoutASocketNothingIsSent() {
        let notifier = SystemdNotifier(environment: ProcessEnvironment([:]))
        #expect(notifier.socketPath == nil)
        #expect(!notifier.send("READY=1"))
        #expect(!SystemdNotifier(socketPath: "/nonexistent/socket").send("READY=1"))
    }

    @Test func theWatchdogIntervalIsHalfOfWhatSystemdAsksWhenItAsksUs() {
        #expect(SystemdNotifier(environment: ProcessEnvironment(["WATCHDOG_USEC": "60000000"])).watchdogInterval == .seconds(30))
        #expect(SystemdNotifier(environment: ProcessEnvironment(["WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "\(getpid())"])).watchdogInterval == .seconds(30))
        #expect(SystemdNotifier(environment: ProcessEnvironment(["WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "1"])).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ProcessEnvironment(["WATCHDOG_USEC": "zero"])).watchdogInterval == nil)
    }
}
