import AWSKit
import Glibc
import Testing

/// Blocking calls leave Swift tasks their threads: found by the unit tests under
/// ThreadSanitizer, where a test's cancellation arrived 5 s late because libcurl transfers and
/// a test server's sleep held every thread of the pool that also runs Swift tasks.
@Suite struct BlockingWorkTests {
    /// The name Dispatch gives the current thread: its pool's label, cut to 15 characters.
    /// Swift tasks run on `com.apple.root.<qos>` threads, as `DispatchQueue.global()` does;
    /// a serial queue of its own runs on `com.apple.root.<qos>.overcommit`.
    private static func threadName() -> String {
        let file = open("/proc/thread-self/comm", O_RDONLY)
        guard file >= 0 else { return "" }
        defer { close(file) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = read(file, &bytes, bytes.count)
        return String(decoding: bytes.prefix(max(0, count)).filter { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    @Test func blockingCallsRunOnTheOvercommittingPoolNotOnThatOfSwiftTasks() async {
        let taskThread = Self.threadName()
        let blockingThread = await BlockingWork.run("name") { Self.threadName() }
        #expect(taskThread.contains("qos") && !taskThread.hasSuffix("overcommit"), "a Swift task ran on \(taskThread)")
        #expect(blockingThread.hasSuffix("overcommit"), "blocking work ran on \(blockingThread), beside Swift tasks")
    }

    @Test func theResultComesBack() async {
        #expect(await BlockingWork.run("value") { 6 * 7 } == 42)
    }
}
