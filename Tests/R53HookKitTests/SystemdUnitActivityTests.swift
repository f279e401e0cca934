import R53HookKit
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// How `watch` sees that r53hook.service runs: systemd's invocation link for the unit.
@Suite struct SystemdUnitActivityTests {
    @Test func aRunningUnitIsSeenByItsInvocationLink() throws {
        var template = Array("/tmp/r53hook-units-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) } }
        let directory = try #require(made)
        defer { rmdir(directory) }
        #expect(!SystemdUnitActivity.isRunning("r53hook.service", unitsDirectory: directory))
        // systemd's link points at the invocation id, which is no file: a dangling link counts.
        let link = "\(directory)/invocation:r53hook.service"
        #expect(symlink("0123456789abcdef0123456789abcdef", link) == 0)
        defer { unlink(link) }
        #expect(SystemdUnitActivity.isRunning("r53hook.service", unitsDirectory: directory))
        #expect(!SystemdUnitActivity.isRunning("r53hook-watch.service", unitsDirectory: directory))
    }
}
