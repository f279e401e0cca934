import TestSupport
import Testing

@testable import R53HookKit

/// The one TXT codec of marks and locks: whatever valid fields are written read back as they
/// were, and what breaks the layout is refused.
@Suite struct TaggedTXTValueTests {

    private static let keyCharacters = Array("abcdefghijklmnopqrstuvwxyz0123456789-")
    /// Printable ASCII but space, quote and backslash ('=' included: only the first splits).
    private static let valueCharacters = (0x21...0x7E).compactMap(Unicode.Scalar.init).map(Character.init).filter { $0 != "\"" && $0 != "\\" }

    private static func word(_ characters: [Character], length: ClosedRange<Int>, using generator: inout SeededGenerator) -> String {
        String((0..<Int.random(in: length, using: &generator)).map { _ in characters.randomElement(using: &generator) ?? "x" })
    }

    /// Distinct keys with values, within one TXT string after the tag.
    private static func fields(tag: String, using generator: inout SeededGenerator) -> [(key: String, value: String)] {
        var fields: [(key: String, value: String)] = []
        var length = tag.utf8.count
        for _ in 0..<Int.random(in: 0...12, using: &generator) {
            let key = word(keyCharacters, length: 1...10, using: &generator)
            let value = word(valueCharacters, length: 1...30, using: &generator)
            guard !fields.contains(where: { $0.key == key }), length + key.utf8.count + value.utf8.count + 2 <= 255 else { continue }
            length += key.utf8.count + value.utf8.count + 2
            fields.append((key, value))
        }
        return fields
    }

    @Test func readingWhatWasWrittenGivesTheFieldsBack() {
        var generator = SeededGenerator(state: 0x5EED)
        for _ in 0..<2000 {
            let tag = ["r53hook-member", "r53hook-lock"].randomElement(using: &generator) ?? "r53hook-lock"
            let fields = Self.fields(tag: tag, using: &generator)
            let text = TaggedTXTValue.encode(tag: tag, fields)
            let expected = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value) })
            #expect(TaggedTXTValue.read(text, tag: tag, knownKeys: []) == .fields(expected), "\(text)")
        }
    }

    @Test(arguments: [
        ("\"r53hook-lock a=1 a=2\"", "a= appears twice"),
        ("\"r53hook-lock a=1  b=2\"", "'' is not a key=value word"),
        ("\"r53hook-lock a=\"", "'a=' is not a key=value word"),
        ("\"r53hook-lock =1\"", "'=1' is not a key=value word"),
        ("\"r53hook-lock Key=1\"", "'Key' is not a field name"),
        ("r53hook-lock a=1", "it is not one quoted TXT string"),
        ("\"r53hook-lock a=\u{1b}[2J\"", "which r53hook never writes"),
        ("\"r53hook-lock a=\(String(repeating: "x", count: 250))\"", "longer than the 255 characters"),
    ])
    func aBrokenLayoutIsRefusedWithItsReason(_ text: String, _ reason: String) {
        guard case .invalid(let found) = TaggedTXTValue.read(text, tag: "r53hook-lock", knownKeys: []) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(found.contains(reason), "\(found)")
    }

    @Test func otherValuesAreNotOurs() {
        #expect(TaggedTXTValue.read("\"v=spf1 -all\"", tag: "r53hook-lock", knownKeys: []) == .untagged)
        #expect(TaggedTXTValue.read("\"r53hook-lockx a=1\"", tag: "r53hook-lock", knownKeys: []) == .untagged)
        #expect(TaggedTXTValue.read("\"r53hook-member v=1\"", tag: "r53hook-lock", knownKeys: []) == .untagged)
    }

    @Test func marksAndLocksWriteThroughTheCodec() {
        let lock = LockRecord(owner: "i-0abc", token: "00ff", leaseSeconds: 30, sequence: 4)
        #expect(lock.txtValue == TaggedTXTValue.encode(tag: "r53hook-lock", [("owner", "i-0abc"), ("token", "00ff"), ("lease", "30"), ("seq", "4")]))
        // A lock value is as strict as a mark now: an unquoted one is not r53hook's.
        #expect(LockRecord(txtValue: "r53hook-lock owner=i-0abc token=00ff lease=30 seq=4") == nil)
        #expect(LockRecord(txtValue: "\"r53hook-lock owner=i-0abc  token=00ff lease=30 seq=4\"") == nil)
    }
}
