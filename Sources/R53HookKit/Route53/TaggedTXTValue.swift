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

    /// The value for `fields`, in their order, which `read` gives back as exactly these fields.
    ///
    /// Callers validate their values where they enter (instance ids, addresses, zones, groups,
    /// owners), so every field is normally writable. Should one not be (empty; a space, quote,
    /// backslash, control or non-ASCII character; a key twice or not a field name; more than
    /// one TXT string), the value written is `"TAG !unwritable-KEY"`, which `read` refuses as
    /// invalid: a value that cannot be carried must never read back as other fields, as
    /// `instance=i-0abc role=server` would read back as a role.
    static func encode(tag: String, _ fields: [(key: String, value: String)]) -> String {
        let text = ([tag] + fields.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
        if let field = unwritableField(fields) ?? (text.utf8.count > 255 ? "length" : nil) {
            return "\"\(tag) !unwritable-\(field)\""
        }
        return "\"" + text + "\""
    }

    /// The key of the first field `read` would not give back as written (`key` when the key
    /// itself is the problem), or nil.
    private static func unwritableField(_ fields: [(key: String, value: String)]) -> String? {
        var keys: Set<String> = []
        for field in fields {
            guard isFieldName(field.key), keys.insert(field.key).inserted else { return "key" }
            guard !field.value.isEmpty, field.value.unicodeScalars.allSatisfy(isWordCharacter) else { return field.key }
        }
        return nil
    }

    /// A field name: lowercase ASCII letters, digits and '-'.
    private static func isFieldName(_ key: some StringProtocol) -> Bool {
        !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    /// Printable ASCII but space, quote and backslash: what a word of the value may hold.
    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        (0x21...0x7E).contains(scalar.value) && scalar != "\"" && scalar != "\\"
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
            guard knownKeys.contains(key) || isFieldName(key) else {
                return .invalid("'\(key)' is not a field name")
            }
        }
        return .fields(fields)
    }
}
