/// Renders requests and responses for `--debug` without secrets: signatures, session tokens and
/// IMDS tokens are replaced, access key ids shortened, credential fields in bodies masked.
package enum Redaction {
    /// The headers, one per line, with secrets replaced.
    package static func headers(_ headers: [HTTPHeader]) -> String {
        headers.map { "   \($0.name): \(value(of: $0))" }.joined(separator: "\n")
    }

    /// A header's value as it may be logged.
    package static func value(of header: HTTPHeader) -> String {
        switch header.name.lowercased() {
        case "authorization":
            return authorization(header.value)
        case "x-amz-security-token", "x-aws-ec2-metadata-token", "cookie", "proxy-authorization":
            return "<redacted>"
        default:
            return header.value
        }
    }

    /// `AWS4-HMAC-SHA256 Credential=AKIA…WXYZ/…, SignedHeaders=…, Signature=<redacted>`.
    package static func authorization(_ value: String) -> String {
        guard value.hasPrefix("AWS4-HMAC-SHA256") else { return "<redacted>" }
        return value.split(separator: ",").map { part -> String in
            let field = part.trimmingWhitespace
            if field.hasPrefix("Signature=") { return "Signature=<redacted>" }
            if let range = field.firstRange(of: "Credential=") {
                let rest = field[range.upperBound...]
                let keyId = rest.prefix { $0 != "/" }
                let shortened = keyId.count > 8 ? "\(keyId.prefix(4))…\(keyId.suffix(4))" : "…"
                return String(field[..<range.upperBound]) + shortened + rest.dropFirst(keyId.count)
            }
            return field
        }.joined(separator: ", ")
    }

    /// A body as it may be logged: at most 4 KiB, with credential-looking fields masked.
    package static func body(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "" }
        var text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        for field in ["SecretAccessKey", "Token", "SessionToken", "secret_access_key", "aws_session_token"] {
            text = mask(field, in: text)
        }
        return "\n   " + text + (bytes.count > 4096 ? " …(\(bytes.count) bytes)" : "")
    }

    /// Masks `"Field": "value"` (JSON) and `<Field>value</Field>` (XML).
    private static func mask(_ field: String, in text: String) -> String {
        var output = text
        for (open, close) in [("\"\(field)\"", "\""), ("<\(field)>", "<")] {
            var searchStart = output.startIndex
            while let range = output[searchStart...].firstRange(of: open) {
                var valueStart = range.upperBound
                if open.hasPrefix("\"") {
                    // Skip `: "` after the JSON key.
                    guard let quote = output[valueStart...].firstIndex(of: "\"") else { break }
                    valueStart = output.index(after: quote)
                }
                guard let end = output[valueStart...].firstRange(of: close)?.lowerBound else { break }
                output.replaceSubrange(valueStart..<end, with: "<redacted>")
                searchStart = output.index(valueStart, offsetBy: "<redacted>".count, limitedBy: output.endIndex) ?? output.endIndex
            }
        }
        return output
    }
}
