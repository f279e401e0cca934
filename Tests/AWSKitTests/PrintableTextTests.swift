import AWSKit
import Testing

@Suite struct PrintableTextTests {
    @Test func leavesOrdinaryTextAlone() {
        for text in ["", "registered www.example.com. A set i-0abc -> 203.0.113.7", "wéb ünïcode ✓ 🙂", #"C:\path "quoted" 'single'"#] {
            #expect(PrintableText.escaping(text) == text)
        }
    }

    @Test func escapesWhatCouldForgeOrDisguiseALine() {
        #expect(PrintableText.escaping("a\nr53hook: error: [fake]") == #"a\nr53hook: error: [fake]"#)
        #expect(PrintableText.escaping("a\rb\tc") == #"a\rb\tc"#)
        #expect(PrintableText.escaping("\u{1b}[2Jx") == #"\u{1b}[2Jx"#)
        #expect(PrintableText.escaping("\u{0}\u{1}\u{7f}") == #"\u{00}\u{01}\u{7f}"#)
        #expect(PrintableText.escaping("\u{85}\u{9b}") == #"\u{85}\u{9b}"#)  // C1: NEL, CSI
        #expect(PrintableText.escaping("a\u{2028}b\u{2029}c") == #"a\u{2028}b\u{2029}c"#)
        #expect(PrintableText.escaping("abc\u{202e}fed") == #"abc\u{202e}fed"#)
    }

    @Test func noCharacterSurvivesThatBreaksALine() {
        let all = String(String.UnicodeScalarView((0...0x3000).compactMap(Unicode.Scalar.init)))
        let escaped = PrintableText.escaping(all)
        #expect(!escaped.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" })
        #expect(escaped.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).count == 1)
    }

    @Test func namesCodePoints() {
        #expect(PrintableText.codePoint("\u{1}") == "U+0001")
        #expect(PrintableText.codePoint("\u{FFFE}") == "U+FFFE")
        #expect(PrintableText.codePoint("\u{1F642}") == "U+1F642")
    }
}
