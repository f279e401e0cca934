import AWSKit

/// The one layout of every TXT value r53hook writes, registry marks and lock records alike:
/// one quoted TXT string `"TAG key=value key=value …"`.
///
/// Reading is strict, since any machine that can change the zone can write these values: one
/// quoted string of at most 255 printable ASCII characters without quotes or backslashes (one
/// TXT string, nothing a terminal or a log would interpret), words split by single spaces, each
/// `key=value` with neither side empty and no key twice, and every key either one the reader
/// knows or a well-formed name (lowercase letters, digits, '-'), so a newer r53hook may add
/// fields. Each value is then checked by the type that reads it (`MemberMark`, `LockRecord`).
enum TaggedTXTValue {
    /// What one TXT value is.
    enum Reading: Sendable, Equatable {
        /// It does not start with the tag: someone else's record.
        case untagged
        /// It starts with the tag but breaks the layout; the reason, for an operator.
        case invalid(String)
        /// The fields, each key once.
        case fields([String: String])
    }

    /// The value for `fields`, in their order. The caller writes only valid fields (no spaces,
    /// quotes or backslashes; keys without '='), as `read` would accept them.
    static func encode(tag: String, _ fields: [(key: String, value: String)]) -> String {
        "\"" + ([tag] + fields.map { "\($0.key)=\($0.value)" }).joined(separator: " ") + "\""
    }

    /// Reads a value written by anyone; see the type's rules.
    static func read(_ txtValue: String, tag: String, knownKeys: Set<String>) -> Reading {
        var text = Substring(txtValue)
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = text.dropFirst().dropLast() }
        guard text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).first == Substring(tag) else { return .untagged }
        guard txtValue.hasPrefix("\""), txtValue.hasSuffix("\""), txtValue.utf8.count >= 2 else {
            return .invalid("it is not one quoted TXT string")
        }
        if let bad = text.unicodeScalars.first(where: { !(0x20...0x7E).contains($0.value) || $0 == "\"" || $0 == "\\" }) {
            return .invalid("it holds \(PrintableText.codePoint(bad)), which r53hook never writes (only printable ASCII without quotes or backslashes)")
        }
        guard text.utf8.count <= 255 else { return .invalid("it is longer than the 255 characters of one TXT string") }
        var fields: [String: String] = [:]
        for word in text.split(separator: " ", omittingEmptySubsequences: false).dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return .invalid("'\(word)' is not a key=value word") }
            let key = String(parts[0])
            guard fields.updateValue(String(parts[1]), forKey: key) == nil else { return .invalid("\(key)= appears twice") }
            guard knownKeys.contains(key) || key.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
                return .invalid("'\(key)' is not a field name")
            }
        }
        return .fields(fields)
    }
}
