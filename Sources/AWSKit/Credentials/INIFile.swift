/// The sections and keys of an AWS shared config or credentials file.
///
/// Follows the SDKs' reading: `[section]` headers, `key = value` lines, `#` and `;` comments,
/// keys case-sensitive, indented lines continuing a nested block are ignored.
package struct INIFile: Sendable {
    /// Keys and values by section name, as the header spells it (`default`, `profile web`).
    package let sections: [String: [String: String]]

    /// Parses the text of a file.
    package init(text: String) {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if let first = rawLine.first, first == " " || first == "\t", current != nil {
                continue  // a nested sub-section such as "s3 =\n  max_concurrent_requests = 10"
            }
            let line = rawLine.trimmingWhitespace
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = String(line.dropFirst().dropLast()).trimmingWhitespace
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingWhitespace
            var value = line[line.index(after: equals)...].trimmingWhitespace
            if let comment = value.firstRange(of: " #") ?? value.firstRange(of: " ;") {
                value = value[..<comment.lowerBound].trimmingWhitespace
            }
            sections[section, default: [:]][key] = value
        }
        self.sections = sections
    }
}
