/// Text from other machines (registry marks, lock records) and from AWS (error messages, IMDS
/// answers) made safe to print on one line of a log or a terminal.
///
/// journald and init scripts split stderr at line breaks, and terminals obey escape sequences,
/// so a value carrying "\n[fake] ..." or ESC would otherwise forge a log line or rewrite the
/// screen. Ordinary text, non-ASCII letters included, is left exactly as it is.
package enum PrintableText {
    /// The text with every character that can break or disguise a line written as an escape:
    /// `\n`, `\r`, `\t`, and `\u{XX}` for the other C0 controls, DEL, the C1 controls, the
    /// Unicode line and paragraph separators (U+2028, U+2029, which some viewers break lines at)
    /// and the bidirectional overrides (which make a line read differently from what it holds).
    /// A backslash is left alone, so `\n` in the output may also have been written literally:
    /// that is ambiguous to read, but it cannot start a line.
    package static func escaping(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default:
                if needsEscape(scalar) {
                    let hex = String(scalar.value, radix: 16)
                    escaped += "\\u{" + (hex.count < 2 ? "0" + hex : hex) + "}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }

    /// `U+0001`: a character named by its code point, for messages about characters that may
    /// not print.
    package static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Whether a character must be escaped on one printed line.
    package static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true  // C0 (tab and newline too), DEL, C1
        case 0x2028, 0x2029: return true  // line and paragraph separators
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true  // bidirectional controls
        default: return false
        }
    }
}
