import AWSKit
import Testing

@testable import R53HookCLI

/// The exit-code table: every kind of failure has its own code, and none is 1 (which the table
/// does not have and init scripts cannot tell from a generic failure).
struct ExitStatusTests {
    @Test func everyKindHasADocumentedCodeOtherThanOne() {
        let documented: Set<Int32> = [64, 69, 70, 75, 77, 78]
        for kind in SettingsError.Kind.allCases {
            let code = ExitStatus.code(for: kind)
            #expect(documented.contains(code), "\(kind) maps to \(code)")
            #expect(ExitStatus.table.contains("  \(code)  "), "\(code) is missing from the table")
        }
    }
}
