/// One line of a config file, read by the grammar `ConfigFile` documents: a line is blank, a
/// comment, or an assignment whose value `sh` reads literally. Anything else is a `Problem`,
/// which says what is wrong without ever quoting the line (it may hold a secret).
package struct ConfigLine: Equatable {
    /// The variable name.
    package let key: String
    /// The value, quotes removed.
    package let value: String

    /// Why a line is refused. Never carries the line's text: only the key, when the line has one.
    package enum Problem: Error, Equatable {
        case carriageReturn
        case endsWithBackslash
        case controlCharacter
        case notAnAssignment
        case notAName
        case startsWithBlank(key: String)
        case expansion(key: String)
        case unsafeCharacter(key: String)
        case unclosedQuote(key: String)
        case textAfterValue(key: String)
        case invalidUTF8(key: String)

        /// The operator's explanation, without the value.
        package var explanation: String {
            switch self {
            case .carriageReturn:
                return "contains a carriage return (a file saved with Windows line endings?): sh would keep it in the value. "
                    + "Convert the file with: sed -i 's/\\r$//' FILE"
            case .endsWithBackslash:
                return "ends with a backslash, which joins the next line to this one for systemd; remove it"
            case .controlCharacter:
                return "contains a control character; remove it"
            case .notAnAssignment:
                return "is neither a comment nor KEY=value (the line is not shown: it may hold a secret)"
            case .notAName:
                return "the text before '=' is not a variable name (letters, digits and _, not starting with a digit; no spaces around '=')"
            case .startsWithBlank(let key):
                return "the value of \(key) starts with a blank: sh would set \(key) empty and run the rest as a command. "
                    + "Remove the blank, or quote the value: \(key)='...'"
            case .expansion(let key):
                return "the value of \(key) contains $, ` or \\, which sh would expand. r53hook reads config files literally: "
                    + "write the value itself, in single quotes if need be: \(key)='...'"
            case .unsafeCharacter(let key):
                return "the value of \(key) has characters sh would not read literally (blanks, ; | & < > ( ) * ? ~ # quotes "
                    + "and the like). Unquoted values may hold letters, digits and _ @ % + = : , . / - only; "
                    + "put anything else in single quotes: \(key)='...'"
            case .unclosedQuote(let key):
                return "the value of \(key) opens a quote that does not close on the same line"
            case .textAfterValue(let key):
                return "the value of \(key) is followed by more text: one quoted value per line, "
                    + "and a comment needs a blank before its #"
            case .invalidUTF8(let key):
                return "the value of \(key) is not valid UTF-8"
            }
        }
    }

    private static let blanks: Set<Unicode.Scalar> = [" ", "\t"]
    private static let nameStart = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_".unicodeScalars)
    private static let nameCharacters = nameStart.union("0123456789".unicodeScalars)
    /// Characters sh reads literally in an unquoted word, at any position.
    private static let bareCharacters = nameCharacters.union("@%+=:,./-".unicodeScalars)
    private static let expanding: Set<Unicode.Scalar> = ["$", "`", "\\"]

    /// Reads one line (without its line feed): nil for a blank line or a comment.
    package static func parse(_ line: [Unicode.Scalar]) throws(Problem) -> ConfigLine? {
        if line.contains("\r") { throw .carriageReturn }
        if line.last == "\\" { throw .endsWithBackslash }
        var rest = line.drop { blanks.contains($0) }
        if rest.isEmpty || rest.first == "#" { return nil }
        if rest.contains(where: isControl) { throw .controlCharacter }
        if rest.starts(with: "export".unicodeScalars), let after = rest.dropFirst(6).first, blanks.contains(after) {
            rest = rest.dropFirst(6).drop { blanks.contains($0) }
        }
        guard let equals = rest.firstIndex(of: "=") else { throw .notAnAssignment }
        let name = rest[..<equals]
        guard let first = name.first, nameStart.contains(first), name.allSatisfy(nameCharacters.contains) else {
            throw .notAName
        }
        let key = String(String.UnicodeScalarView(name))
        let text = rest[rest.index(after: equals)...]
        let (value, tail) = try splitValue(text, key: key)
        try checkTail(tail, key: key, startsWithBlank: text.first.map(blanks.contains) ?? false)
        if value.contains("\u{FFFD}") { throw .invalidUTF8(key: key) }
        return ConfigLine(key: key, value: String(String.UnicodeScalarView(value)))
    }

    /// The value (without its quotes) and what follows it on the line.
    private static func splitValue(_ text: ArraySlice<Unicode.Scalar>, key: String) throws(Problem)
        -> (value: ArraySlice<Unicode.Scalar>, tail: ArraySlice<Unicode.Scalar>)
    {
        guard let quote = text.first, quote == "'" || quote == "\"" else {
            let end = text.firstIndex { blanks.contains($0) } ?? text.endIndex
            let word = text[..<end]
            if word.contains(where: expanding.contains) { throw .expansion(key: key) }
            if !word.allSatisfy(bareCharacters.contains) { throw .unsafeCharacter(key: key) }
            return (word, text[end...])
        }
        let inside = text.dropFirst()
        guard let close = inside.firstIndex(of: quote) else { throw .unclosedQuote(key: key) }
        let value = inside[..<close]
        if quote == "\"", value.contains(where: expanding.contains) { throw .expansion(key: key) }
        return (value, inside[inside.index(after: close)...])
    }

    /// After the value: nothing, blanks, or blanks and a comment.
    private static func checkTail(_ tail: ArraySlice<Unicode.Scalar>, key: String, startsWithBlank: Bool) throws(Problem) {
        guard let first = tail.first else { return }
        let afterBlanks = tail.drop { blanks.contains($0) }
        if blanks.contains(first), afterBlanks.isEmpty || afterBlanks.first == "#" { return }
        throw startsWithBlank ? .startsWithBlank(key: key) : .textAfterValue(key: key)
    }

    /// C0 controls but tab, and DEL: sh and systemd may read them alike, but nobody means them.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
    }
}
