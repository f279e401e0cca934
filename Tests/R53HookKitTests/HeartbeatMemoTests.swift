import AWSKit
import Logging
import Synchronization
import TestSupport
import Testing

@testable import R53HookKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The memo files are written as root in a directory others may try to trick: never through a
/// symbolic link, never into a directory anyone else can write, never under a name to guess.
@Suite struct DirectoryHeartbeatMemoTests {
    private let key = "ZPUBLIC-www.example.com.-A-i-0abc"
    private var fileName: String { "heartbeat-ZPUBLIC-www.example.com.-A-i-0abc" }

    /// A fresh directory under /tmp, removed with everything in it by `cleanUp`.
    private static func scratch() throws -> String {
        var template = Array("/tmp/r53hook-memo-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        try #require(made != nil)
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func cleanUp(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & 0o170000) == 0o040000 {
            for name in names(in: path) { cleanUp(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    private static func write(_ text: String, to path: String, mode: mode_t = 0o644) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        _ = Array(text.utf8).withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }

    private static func contents(_ path: String) -> String? {
        LocalFileReader().read(path: path)
    }

    private static func mode(_ path: String) -> mode_t {
        var info = stat()
        lstat(path, &info)
        return info.st_mode & 0o7777
    }

    private static func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & 0o170000) == 0o120000
    }

    private static func names(in path: String) -> [String] {
        guard let folder = opendir(path) else { return [] }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    @Test func makesItsDirectory0700AndTheMemo0600AndReadsItBack() throws {
        let base = try Self.scratch()
        defer { Self.cleanUp(base) }
        let logs = LogCapture()
        let memo = DirectoryHeartbeatMemo(directory: base + "/r53hook", logger: logs.logger())
        #expect(memo.load(key: key) == nil)
        memo.save(key: key, value: "first")
        memo.save(key: key, value: "second")
        #expect(memo.load(key: key) == "second")
        #expect(Self.mode(base + "/r53hook") == 0o700)
        #expect(Self.mode(base + "/r53hook/" + fileName) == 0o600)
        #expect(Self.names(in: base + "/r53hook") == [fileName])
        #expect(logs.messages.isEmpty)
    }

    @Test func aSymlinkAtTheMemoNameIsReplacedOnSaveAndNeverReadThrough() throws {
        let base = try Self.scratch()
        defer { Self.cleanUp(base) }
        let logs = LogCapture()
        Self.write("root's secret", to: base + "/victim")
        mkdir(base + "/r53hook", 0o700)
        symlink(base + "/victim", base + "/r53hook/" + fileName)
        let memo = DirectoryHeartbeatMemo(directory: base + "/r53hook", logger: logs.logger())
        #expect(memo.load(key: key) == nil)
        #expect(logs.messages.contains { $0.hasPrefix("warning:") && $0.contains("symbolic link") })
        memo.save(key: key, value: "memo")
        #expect(Self.contents(base + "/victim") == "root's secret")
        #expect(!Self.isSymlink(base + "/r53hook/" + fileName))
        #expect(memo.load(key: key) == "memo")
    }

    @Test func theTemporaryNameIsNotThePredictableOneOfOldAndIsNeverFollowed() throws {
        let base = try Self.scratch()
        defer { Self.cleanUp(base) }
        Self.write("victim", to: base + "/victim")
        mkdir(base + "/r53hook", 0o700)
        // What the first version wrote to: NAME.tmp.PID, opened with O_TRUNC and no O_NOFOLLOW.
        symlink(base + "/victim", base + "/r53hook/" + fileName + ".tmp.\(getpid())")
        let memo = DirectoryHeartbeatMemo(directory: base + "/r53hook", logger: LogCapture().logger())
        memo.save(key: key, value: "memo")
        #expect(Self.contents(base + "/victim") == "victim")
        #expect(memo.load(key: key) == "memo")
    }

    @Test func aTemporaryNameThatExistsIsNotOpenedButAnotherTried() throws {
        let base = try Self.scratch()
        defer { Self.cleanUp(base) }
        Self.write("victim", to: base + "/victim")
        mkdir(base + "/r53hook", 0o700)
        symlink(base + "/victim", base + "/r53hook/" + fileName + ".tmp-taken")
        Self.write("planted", to: base + "/r53hook/" + fileName + ".tmp-also-taken")
        let suffixes = Suffixes(["taken", "also-taken", "free"])
        let memo = DirectoryHeartbeatMemo(
            directory: base + "/r53hook", logger: LogCapture().logger(),
            temporarySuffix: { suffixes.next() })
        memo.save(key: key, value: "memo")
        #expect(Self.contents(base + "/victim") == "victim")
        #expect(Self.contents(base + "/r53hook/" + fileName + ".tmp-also-taken") == "planted")
        #expect(memo.load(key: key) == "memo")
        #expect(!Self.names(in: base + "/r53hook").contains(fileName + ".tmp-free"))
    }

    @Test func theRandomTemporaryNamesDiffer() {
        let names = Set((0..<100).map { _ in DirectoryHeartbeatMemo.randomSuffix() })
        #expect(names.count == 100)
        #expect(names.allSatisfy { $0.count == 16 })
    }

    @Test func aDirectoryThatIsASymlinkIsNotUsed() throws {
        let base = try Self.scratch()
        defer { Self.cleanUp(base) }
        mkdir(base + "/elsewhere", 0o700)
        symlink(base + "/elsewhere", base + "/r53hook")
        let logs = LogCapture()
        let memo = DirectoryHeartbeatMemo(directory: base + "/r53hook", logger: logs.logger())
        memo.save(key: key, value: "memo")
        #expect(Self.names(in: base + "/elsewhere").isEmpty)
        #expect(memo.load(key: key) == nil)
        #expect(logs.messages.contains { $0.hasPrefix("warning:") && $0.contains(base + "/r53hook") })
    }

    @Test(arguments: [mode_t(0o777), 0o1777, 0o770, 0o702])
    func aDirectoryOthersCanWriteIsNotUsed(_ unsafeMode: mode_t) throws {
        let base = try Self.scratch()
        defer { Self.cleanUp(base) }
        mkdir(base + "/r53hook", 0o700)
        chmod(base + "/r53hook", unsafeMode)
        let logs = LogCapture()
        let memo = DirectoryHeartbeatMemo(directory: base + "/r53hook", logger: logs.logger())
        memo.save(key: key, value: "memo")
        #expect(Self.names(in: base + "/r53hook").isEmpty)
        #expect(logs.messages.contains { $0.hasPrefix("warning:") && $0.contains("writable by") })
        #expect(Self.mode(base + "/r53hook") == unsafeMode, "another's directory is not changed")
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to give the directory away"))
    func aDirectoryOfAnotherUserIsNotUsed() throws {
        let base = try Self.scratch()
        defer { Self.cleanUp(base) }
        mkdir(base + "/r53hook", 0o700)
        chown(base + "/r53hook", 65534, 65534)
        let logs = LogCapture()
        let memo = DirectoryHeartbeatMemo(directory: base + "/r53hook", logger: logs.logger())
        memo.save(key: key, value: "memo")
        #expect(Self.names(in: base + "/r53hook").isEmpty)
        #expect(logs.messages.contains { $0.contains("owned by uid 65534") })
    }

    @Test func aMemoThatIsNotARegularFileOrTooLargeIsIgnored() throws {
        let base = try Self.scratch()
        defer { Self.cleanUp(base) }
        mkdir(base + "/r53hook", 0o700)
        mkfifo(base + "/r53hook/" + fileName, 0o600)
        let memo = DirectoryHeartbeatMemo(directory: base + "/r53hook", logger: LogCapture().logger())
        #expect(memo.load(key: key) == nil)  // and does not hang on the FIFO
        unlink(base + "/r53hook/" + fileName)
        Self.write(String(repeating: "x", count: 70_000), to: base + "/r53hook/" + fileName, mode: 0o600)
        #expect(memo.load(key: key) == nil)
    }
}

/// Hands out the given temporary-name suffixes in order.
private final class Suffixes: Sendable {
    private let remaining: Mutex<[String]>

    init(_ suffixes: [String]) {
        remaining = Mutex(suffixes)
    }

    func next() -> String {
        remaining.withLock { $0.isEmpty ? "exhausted" : $0.removeFirst() }
    }
}
