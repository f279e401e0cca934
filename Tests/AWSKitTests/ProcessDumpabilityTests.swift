import AWSKit
import Testing

/// The switch r53hook flips first thing (ProgramEntry): after it, the kernel reports the process
/// undumpable. (It stays so for the rest of this test process, which is harmless.) The binary
/// itself is checked in Tests/Integration/test_security_runtime.py.
@Suite struct ProcessDumpabilityTests {
    @Test(.enabled(if: ProcessDumpability.isDumpable != nil, "Linux only"))
    func disablingMakesTheProcessUndumpable() {
        #expect(ProcessDumpability.disable())
        #expect(ProcessDumpability.isDumpable == false)
    }
}
