/// Why a request body could not be written: a value holds a character XML 1.0 cannot carry
/// at all (a C0 control other than tab, newline and carriage return, U+FFFE or U+FFFF).
/// Dropping it instead would send a different value than the caller meant: a record created
/// under another set identifier, or a DELETE that never matches.
package struct XMLWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The character that cannot be written.
    package let character: Unicode.Scalar
    /// The element (or `element@attribute`) whose value holds it.
    package let place: String

    /// Creates an error for a character found in a place.
    package init(character: Unicode.Scalar, place: String) {
        self.character = character
        self.place = place
    }

    /// `U+0001 in <SetIdentifier> cannot be written in XML 1.0`.
    package var description: String {
        "\(Self.codePoint(character)) in <\(place)> cannot be written in XML 1.0"
    }

    /// `U+0001`: the character's code point, since the character itself may not print.
    package static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
