import AWSKit

/// The rule for the identifiers r53hook writes into Route 53 and other machines read back: set
/// identifiers (`--set-identifier`, R53HOOK_SET_IDENTIFIER, or the instance id) and lock owners
/// (`lock --owner`, or the instance id; `role` and `sweep` hold their locks as the set
/// identifier).
///
/// 1 to 128 characters (Route 53's own limit for a SetIdentifier) of printable ASCII, without
/// `"`, `\` or space. A control character cannot be carried by the XML of the API (it used to
/// be dropped, creating the record under another identifier that `stop` could not find), and a
/// CR is turned into LF by the receiving parser. A lock owner is a word of the lock's TXT value,
/// so a space would end it early, while `"` and `\` are TXT quoting and escape characters that
/// Route 53 would read rather than store. Non-ASCII is refused too: it is a way to write two
/// identifiers that look alike.
package enum MemberIdentifier {
    /// Route 53's limit for a SetIdentifier.
    package static let maximumLength = 128

    /// Why text is not acceptable as an identifier, or nil. `noun` names it in the message:
    /// "a set identifier", "a lock owner".
    package static func problem(with text: String, noun: String = "a set identifier") -> String? {
        let count = text.unicodeScalars.count
        guard (1...maximumLength).contains(count) else {
            return "\(noun) has 1 to \(maximumLength) characters (this one has \(count))"
        }
        if let bad = text.unicodeScalars.first(where: { !isAllowed($0) }) {
            let shown = bad == " " ? "a space" : (0x21...0x7E).contains(bad.value) ? "'\(Character(bad))'" : PrintableText.codePoint(bad)
            return "\(noun) has only printable ASCII characters (letters, digits and punctuation) without '\"', '\\' or spaces; found \(shown)"
        }
        return nil
    }

    /// Whether a character may appear in an identifier.
    package static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        (0x21...0x7E).contains(scalar.value) && scalar != "\"" && scalar != "\\"
    }
}
