import TestSupport
import Testing

@testable import R53HookKit

/// The TXT codec over arbitrary strings (issue 12): whatever fields a mark or a lock is built
/// from, what it writes reads back as those fields or is refused as invalid, never as other
/// fields. The fuzz target `txt` found a lock token with a space that read back as a shorter
/// token and an extra field (Tests/Fuzz/txt/regression-lock-token-with-space).
@Suite struct TXTCodecRoundTripTests {

    /// Anything a hostile or broken source could hand over: spaces, '=', quotes, backslashes,
    /// controls, non-ASCII, and plain characters so that many values are writable.
    private static let characters: [Character] = Array("abcxyz019-_.:=") + [" ", "\"", "\\", "\t", "\n", "\u{7F}", "é", "日", "="]

    private static func text(using generator: inout SeededGenerator, length: ClosedRange<Int>) -> String {
        String((0..<Int.random(in: length, using: &generator)).map { _ in characters.randomElement(using: &generator) ?? "a" })
    }

    @Test func arbitraryFieldsReadBackAsWrittenOrAreRefused() {
        var generator = SeededGenerator(state: 0x7E57)
        var writable = 0
        for _ in 0..<5000 {
            var fields: [(key: String, value: String)] = []
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                fields.append((Self.text(using: &generator, length: 0...6), Self.text(using: &generator, length: 0...60)))
            }
            let text = TaggedTXTValue.encode(tag: "r53hook-lock", fields)
            switch TaggedTXTValue.read(text, tag: "r53hook-lock", knownKeys: []) {
            case .fields(let read):
                writable += 1
                #expect(read.count == fields.count, "\(text)")
                for field in fields { #expect(read[field.key] == field.value, "\(text)") }
            case .invalid(let reason):
                #expect(reason.contains("!unwritable-"), "\(text): \(reason)")
            case .untagged:
                Issue.record("\(text) is not read as tagged at all")
            }
        }
        #expect(writable > 100, "the generator should also make writable fields")
    }

    @Test func anInstanceIdWithAFieldInsideIsNeverReadAsThatField() {
        let mark = MemberMark(instanceId: "i-0abc role=server", address: "10.0.0.5", availabilityZone: "-", joinedAt: 1_795_000_000)
        #expect(MemberMark.read(txtValue: mark.txtValue) == .invalid(reason: "'!unwritable-instance' is not a key=value word"))
    }

    @Test func aLockTokenWithASpaceIsNotReadAsAnotherLock() {
        let lock = LockRecord(owner: "O", token: "abc m=o", leaseSeconds: 30)
        #expect(lock.txtValue == "\"r53hook-lock !unwritable-token\"")
        #expect(LockRecord(txtValue: lock.txtValue) == nil)
    }

    @Test func aValueLongerThanOneTXTStringIsRefusedWhole() {
        let text = TaggedTXTValue.encode(tag: "r53hook-lock", [("owner", String(repeating: "o", count: 300))])
        #expect(text == "\"r53hook-lock !unwritable-length\"")
    }

    @Test func everyValueR53hookWritesIsUnchanged() {
        let mark = MemberMark(
            instanceId: "i-0abc", address: "10.0.0.5", availabilityZone: "us-east-1a", joinedAt: 1_795_000_000, heartbeatAt: 1_795_000_030,
            role: .server, group: "consul")
        #expect(
            mark.txtValue == "\"r53hook-member v=1 instance=i-0abc address=10.0.0.5 az=us-east-1a joined=1795000000 heartbeat=1795000030 role=server group=consul\"")
        #expect(MemberMark.read(txtValue: mark.txtValue) == .mark(mark))
    }
}
