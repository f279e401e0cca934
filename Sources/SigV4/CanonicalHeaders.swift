/// The headers of a request in the form the canonical request lists them.
///
/// Follows botocore's `SigV4Auth`: names lower-cased; hop-by-hop and proxy-rewritten headers
/// (botocore's `SIGNED_HEADERS_BLACKLIST`, e.g. `user-agent`) left out because intermediaries may
/// change them in transit; each value trimmed with inner runs of whitespace folded to one
/// space; repeated names merged into one comma-separated value in the order given; names sorted.
struct CanonicalHeaders {
    /// Lower-cased names that are sent but never signed.
    static let unsignedNames: Set<String> = [
        "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// Sorted `(lower-cased name, folded value)` pairs, one per distinct name.
    let entries: [(name: String, value: String)]

    init(_ headers: [SigV4Header]) {
        var valuesByName: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased()
            guard !Self.unsignedNames.contains(name) else { continue }
            valuesByName[name, default: []].append(Self.foldingWhitespace(header.value))
        }
        entries =
            valuesByName
            .map { (name: $0.key, value: $0.value.joined(separator: ",")) }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    /// The canonical headers block: one `name:value` line per header, each ending in a newline.
    var canonicalText: String {
        entries.map { "\($0.name):\($0.value)\n" }.joined()
    }

    /// The `SignedHeaders` list: the sorted names joined by `;`.
    var signedHeaderNames: String {
        entries.map(\.name).joined(separator: ";")
    }

    /// Python's `' '.join(value.split())`, which botocore uses as the spec's Trimall.
    private static func foldingWhitespace(_ value: String) -> String {
        var words: [Substring.UnicodeScalarView] = []
        var currentWord = Substring.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if isPythonWhitespace(scalar) {
                if !currentWord.isEmpty {
                    words.append(currentWord)
                    currentWord = Substring.UnicodeScalarView()
                }
            } else {
                currentWord.append(scalar)
            }
        }
        if !currentWord.isEmpty {
            words.append(currentWord)
        }
        return words.map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
    }

    /// The characters Python's `str.isspace()` accepts, so folding matches botocore exactly,
    /// including the ASCII separators 0x1C-0x1F that Swift does not count as whitespace.
    private static func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A,
            0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
