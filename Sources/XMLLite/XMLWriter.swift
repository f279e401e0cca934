/// Builds an XML request body, escaping every text and attribute value.
public struct XMLWriter: Sendable {
    private var output = #"<?xml version="1.0" encoding="UTF-8"?>"#
    private var openElements: [String] = []

    /// Starts a document with the XML declaration.
    public init() {}

    /// Opens an element; close it with `close()`.
    public mutating func open(_ name: String, attributes: [(name: String, value: String)] = []) {
        output += "<" + name
        for attribute in attributes {
            output += " " + attribute.name + "=\"" + Self.escape(attribute.value) + "\""
        }
        output += ">"
        openElements.append(name)
    }

    /// Closes the innermost open element.
    public mutating func close() {
        guard let name = openElements.popLast() else { return }
        output += "</" + name + ">"
    }

    /// Writes `<name>text</name>` with the text escaped.
    public mutating func element(_ name: String, _ text: String) {
        output += "<" + name + ">" + Self.escape(text) + "</" + name + ">"
    }

    /// Writes a nested element whose content is written by `body`.
    public mutating func element(_ name: String, attributes: [(name: String, value: String)] = [], _ body: (inout XMLWriter) -> Void) {
        open(name, attributes: attributes)
        body(&self)
        close()
    }

    /// The document, with any elements still open closed.
    public func finish() -> String {
        var copy = self
        while !copy.openElements.isEmpty { copy.close() }
        return copy.output
    }

    /// Escapes the five XML special characters; control characters other than tab, newline and
    /// carriage return cannot appear in XML 1.0 at all and are dropped.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 { escaped.unicodeScalars.append(scalar) }
            }
        }
        return escaped
    }
}
