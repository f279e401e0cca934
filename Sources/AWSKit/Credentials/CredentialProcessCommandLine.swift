/// Splits a `credential_process` value into a program and its arguments, as the AWS CLI does
/// (POSIX `shlex` rules, no shell): blanks separate words, double or single quotes keep
/// blanks inside one word, a backslash outside single quotes takes the next character as it
/// is. Nothing is expanded: no `$VARIABLE`, no `~`, no globbing, no pipes, as the AWS
/// documentation asks of the value.
package enum CredentialProcessCommandLine {
    /// The words, or nil when a quote is left open or a backslash ends the line.
    package static func split(_ text: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case " ", "\t":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            case "\"", "'":
                quote = character
                inWord = true
            case "\\":
                escaped = true
                inWord = true
            default:
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil, !escaped else { return nil }
        if inWord { words.append(current) }
        return words
    }
}
