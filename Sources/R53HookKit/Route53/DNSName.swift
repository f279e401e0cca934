/// Domain names as Route 53 stores them: lower-case, with a trailing dot, `*` written `\052`.
package enum DNSName {
    /// The name lower-cased with one trailing dot, and octal escapes (`\052`) decoded.
    package static func normalized(_ name: String) -> String {
        var decoded = ""
        var scalars = Array(name.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if scalar == "\\", scalars.count >= 3,
                let value = UInt32(String(String.UnicodeScalarView(scalars.prefix(3))), radix: 8),
                let character = Unicode.Scalar(value)
            {
                decoded.unicodeScalars.append(character)
                scalars = scalars.dropFirst(3)
            } else {
                decoded.unicodeScalars.append(scalar)
            }
        }
        let lower = decoded.lowercased()
        return lower.hasSuffix(".") ? lower : lower + "."
    }

    /// Why a record name is not acceptable, or nil when it is. Letters, digits, hyphens and
    /// underscores in labels of 1 to 63 characters, 253 characters in all, and `*` alone as the
    /// first label.
    package static func problem(with name: String) -> String? {
        var text = name
        if text.hasSuffix(".") { text.removeLast() }
        guard !text.isEmpty else { return "the name is empty" }
        guard text.utf8.count <= 253 else { return "the name is longer than 253 characters" }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        for (index, label) in labels.enumerated() {
            if label.isEmpty { return "the name has an empty label (two dots in a row)" }
            if label.utf8.count > 63 { return "the label '\(label)' is longer than 63 characters" }
            if label == "*" {
                if index != 0 { return "'*' may only be the first label" }
                continue
            }
            let allowed = label.unicodeScalars.allSatisfy { scalar in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || scalar == "-" || scalar == "_"
            }
            if !allowed { return "the label '\(label)' has characters other than letters, digits, '-' and '_'" }
        }
        return labels.count < 2 ? "'\(name)' is not a fully qualified name (it needs a domain, e.g. app.example.com)" : nil
    }
}
