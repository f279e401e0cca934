import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ChildEnvironmentTests {
    @Test func withholdsTheAWSKeysAndTokensAndKeepsTheRest() {
        let entries = [
            "PATH=/usr/bin", "AWS_ACCESS_KEY_ID=AKIA", "AWS_SECRET_ACCESS_KEY=s=e=c", "AWS_SESSION_TOKEN=t",
            "AWS_SECURITY_TOKEN=t", "AWS_CONTAINER_AUTHORIZATION_TOKEN=c", "AWS_REGION=eu-west-1",
            "AWS_SECRET_ACCESS_KEY_FILE=/x", "MY_AWS_SECRET_ACCESS_KEY=y", "AWS_SESSION_TOKEN", "=",
        ]
        #expect(
            ChildEnvironment.passed(entries, passingAWSCredentials: false)
                == ["PATH=/usr/bin", "AWS_REGION=eu-west-1", "AWS_SECRET_ACCESS_KEY_FILE=/x", "MY_AWS_SECRET_ACCESS_KEY=y", "="])
        #expect(ChildEnvironment.passed(entries, passingAWSCredentials: true) == entries)
    }

    @Test func comparesNamesAsBytesSoValuesNeedNotBeUTF8() {
        let invalid: [UInt8] = Array("AWS_SECRET_ACCESS_KEY=".utf8) + [0xff, 0xfe]
        #expect(ChildEnvironment.withholds(entry: invalid, passingAWSCredentials: false))
        #expect(!ChildEnvironment.withholds(entry: [0xff, UInt8(ascii: "=")], passingAWSCredentials: false))
    }
}

@Suite struct ProcessGroupTests {
    @Test func parsesTheStateAndGroupAfterTheLastParenthesis() {
        let line = Array("4242 (a (b) c) S 1 4240 4240 0 -1 4194560".utf8)
        #expect(ProcessGroup.parseStat(line)?.processGroup == 4240)
        #expect(ProcessGroup.parseStat(line)?.isLive == true)
        #expect(ProcessGroup.parseStat(Array("7 (sleep) Z 1 5 5 0".utf8))?.isLive == false)
        #expect(ProcessGroup.parseStat(Array("7 (sleep) X 1 5 5".utf8))?.isLive == false)
        #expect(ProcessGroup.parseStat(Array("7 (sleep) T 1 5 5".utf8))?.isLive == true)
        #expect(ProcessGroup.parseStat(Array("garbage".utf8)) == nil)
        #expect(ProcessGroup.parseStat(Array("7 (sleep) S".utf8)) == nil)
    }
}

@Suite struct InheritedDescriptorsTests {
    @Test func marksEveryDescriptorAboveStandardErrorCloseOnExec() {
        let descriptor = open("/dev/null", O_RDONLY)
        defer { close(descriptor) }
        #expect(descriptor > 2)
        #expect(fcntl(descriptor, F_GETFD) & FD_CLOEXEC == 0)
        InheritedDescriptors.markCloseOnExec(above: 2)
        #expect(fcntl(descriptor, F_GETFD) & FD_CLOEXEC != 0)
    }
}

/// The process group, the environment and the descriptors, through real processes. In the
/// serialized runner suite: signal forwarding targets one command per process.
extension ProcessCommandRunnerTests {
    private func temporaryPath(_ name: String) -> String {
        "/tmp/r53hook-runner-\(getpid())-\(name)"
    }

    private func read(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var text = ""
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            text += String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return text
    }

    private func isLive(_ pid: pid_t) -> Bool {
        let stat = read("/proc/\(pid)/stat")
        guard !stat.isEmpty else { return false }
        return ProcessGroup.parseStat(Array(stat.utf8))?.isLive ?? false
    }

    private func backgroundSleep(_ pidFile: String, thenWait: Bool) -> [String] {
        ["sh", "-c", "sleep 30 & echo $! > \(pidFile)\(thenWait ? "; wait" : "")"]
    }

    /// The race the forwarder closes: a SIGTERM between the spawn and knowing the group.
    @Test func aSignalBeforeTheGroupIsKnownIsKeptThenPassedOn() async throws {
        let forwarder = SignalForwarder.install()
        kill(getpid(), SIGTERM)  // without the handler, this would end the test process
        try await Task.sleep(for: .milliseconds(50))

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))
        let words: [String] = ["sleep", "5"]
        var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        #expect(posix_spawnp(&pid, "sleep", nil, &attributes, &argv, environ) == 0)

        #expect(forwarder.forward(to: pid) == SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(ProcessCommandRunner.exitCode(fromWaitStatus: status) == 128 + SIGTERM)
        #expect(forwarder.uninstall() == nil)
    }

    @Test func aSignalAfterTheCommandIsReportedNotLost() async throws {
        let forwarder = SignalForwarder.install()
        kill(getpid(), SIGHUP)
        try await Task.sleep(for: .milliseconds(50))
        #expect(forwarder.uninstall() == SIGHUP)
    }

    @Test func cancellingEndsTheWholeGroupBeforeReturning() async throws {
        let pidFile = temporaryPath("cancel")
        defer { removeFile(pidFile) }
        let runner = ProcessCommandRunner(logger: LogCapture().logger(), killGrace: .milliseconds(300))
        // The ignored SIGTERM is inherited by the sleep: only the SIGKILL after the grace ends it.
        let task = Task { try await runner.run(["sh", "-c", "trap '' TERM; sleep 30 & echo $! > \(pidFile); wait"]) }
        try await Task.sleep(for: .milliseconds(300))
        let sleeper = try #require(pid_t(read(pidFile).trimmingWhitespace))
        task.cancel()
        #expect(try await task.value == 128 + SIGKILL)
        #expect(!isLive(sleeper))
    }

    @Test func leftoversAreTerminatedOrLeftAsAsked() async throws {
        let pidFile = temporaryPath("leftover")
        defer { removeFile(pidFile) }
        let logs = LogCapture()
        let terminating = ProcessCommandRunner(logger: logs.logger(), killGrace: .seconds(2), leftovers: .terminate)
        #expect(try await terminating.run(backgroundSleep(pidFile, thenWait: false)) == 0)
        let ended = try #require(pid_t(read(pidFile).trimmingWhitespace))
        #expect(!isLive(ended))
        #expect(logs.messages.contains { $0.contains("still running") })

        let leaving = ProcessCommandRunner(logger: LogCapture().logger(), leftovers: .leave)
        #expect(try await leaving.run(backgroundSleep(pidFile, thenWait: false)) == 0)
        let left = try #require(pid_t(read(pidFile).trimmingWhitespace))
        #expect(isLive(left))
        kill(left, SIGKILL)
    }

    @Test func forwardedSignalsReachTheWholeGroup() async throws {
        let pidFile = temporaryPath("forward")
        defer { removeFile(pidFile) }
        let runner = ProcessCommandRunner(logger: LogCapture().logger(), leftovers: .leave)
        let task = Task { try await runner.run(backgroundSleep(pidFile, thenWait: true)) }
        try await Task.sleep(for: .milliseconds(300))
        let sleeper = try #require(pid_t(read(pidFile).trimmingWhitespace))
        kill(getpid(), SIGTERM)
        #expect(try await task.value == 128 + SIGTERM)
        try await Task.sleep(for: .milliseconds(100))
        #expect(!isLive(sleeper))
    }

    /// The descriptors and environment variable names of a running process, seen from outside.
    private func inherited(by pid: pid_t) -> (descriptors: [Int32], names: [String]) {
        var descriptors: [Int32] = []
        if let directory = opendir("/proc/\(pid)/fd") {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if let descriptor = Int32(name) { descriptors.append(descriptor) }
            }
            closedir(directory)
        }
        var names: [String] = []
        let environ = Glibc.open("/proc/\(pid)/environ", O_RDONLY)
        if environ >= 0 {
            var bytes = [UInt8](repeating: 0, count: 65536)
            let count = bytes.withUnsafeMutableBytes { Glibc.read(environ, $0.baseAddress, $0.count) }
            close(environ)
            names = bytes.prefix(max(count, 0)).split(separator: 0).map { String(decoding: $0.prefix { $0 != UInt8(ascii: "=") }, as: UTF8.self) }
        }
        return (descriptors.sorted(), names)
    }

    private func inspectRunning(_ runner: ProcessCommandRunner) async throws -> (descriptors: [Int32], names: [String]) {
        let pidFile = temporaryPath("inherited")
        defer { removeFile(pidFile) }
        removeFile(pidFile)
        let task = Task { try await runner.run(["sh", "-c", "echo $$ > \(pidFile); exec sleep 1"]) }
        var seen: (descriptors: [Int32], names: [String]) = ([], [])
        for _ in 0..<50 {
            try await Task.sleep(for: .milliseconds(20))
            if let pid = pid_t(read(pidFile).trimmingWhitespace), read("/proc/\(pid)/comm").hasPrefix("sleep") {
                seen = inherited(by: pid)
                break
            }
        }
        #expect(try await task.value == 0)
        return seen
    }

    @Test func theCommandGetsNeitherOurDescriptorsNorTheAWSSecrets() async throws {
        let ours = Glibc.open("/dev/null", O_RDONLY)
        defer { close(ours) }
        setenv("AWS_SECRET_ACCESS_KEY", "unit-test-secret", 1)
        defer { unsetenv("AWS_SECRET_ACCESS_KEY") }
        let withheld = try await inspectRunning(ProcessCommandRunner(logger: LogCapture().logger()))
        #expect(withheld.descriptors == [0, 1, 2])
        #expect(!withheld.names.contains("AWS_SECRET_ACCESS_KEY"))
        #expect(withheld.names.contains("PATH"))
        let passed = try await inspectRunning(ProcessCommandRunner(logger: LogCapture().logger(), passesAWSCredentials: true))
        #expect(passed.names.contains("AWS_SECRET_ACCESS_KEY"))
    }
}
