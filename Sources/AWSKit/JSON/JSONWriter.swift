/// Writes JSON with keys in the order given, so `status --json` output is stable and readable.
package enum JSONWriter {
    /// A value to write: like `JSONValue`, but objects keep their key order.
    package indirect enum Node: Sendable {
        /// `null`.
        case null
        /// `true` or `false`.
        case bool(Bool)
        /// An integer.
        case int(Int)
        /// A floating point number.
        case double(Double)
        /// A string.
        case string(String)
        /// An array.
        case array([Node])
        /// An object with ordered keys.
        case object([(String, Node)])

        /// A string, or null when nil.
        package static func optional(_ value: String?) -> Node {
            value.map(Node.string) ?? .null
        }

        /// An integer, or null when nil.
        package static func optional(_ value: Int?) -> Node {
            value.map(Node.int) ?? .null
        }
    }

    /// The node as indented JSON.
    package static func write(_ node: Node, indent: String = "") -> String {
        switch node {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .double(let value): return value.isFinite ? String(value) : "null"
        case .string(let value): return quote(value)
        case .array(let elements):
            guard !elements.isEmpty else { return "[]" }
            let inner = indent + "  "
            return "[\n" + elements.map { inner + write($0, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            let inner = indent + "  "
            return "{\n" + members.map { inner + quote($0.0) + ": " + write($0.1, indent: inner) }.joined(separator: ",\n")
                + "\n\(indent)}"
        }
    }

    /// A JSON string literal with the required escapes.
    package static func quote(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }
}
