/// Builds an XML request body, escaping every text and attribute value.
///
/// Building never fails part way, so bodies read as nested closures; a value that XML 1.0
/// cannot carry is remembered instead and `finish()` throws it: no character is ever dropped.
package struct XMLWriter: Sendable {
    private var output = #"<?xml version="1.0" encoding="UTF-8"?>"#
    private var openElements: [String] = []
    private var firstError: XMLWriteError?

    /// Starts a document with the XML declaration.
    package init() {}

    /// Opens an element; close it with `close()`.
    package mutating func open(_ name: String, attributes: [(name: String, value: String)] = []) {
        output += "<" + name
        for attribute in attributes {
            output += " " + attribute.name + "=\"" + checked(attribute.value, place: "\(name)@\(attribute.name)", inAttribute: true) + "\""
        }
        output += ">"
        openElements.append(name)
    }

    /// Closes the innermost open element.
    package mutating func close() {
        guard let name = openElements.popLast() else { return }
        output += "</" + name + ">"
    }

    /// Writes `<name>text</name>` with the text escaped.
    package mutating func element(_ name: String, _ text: String) {
        output += "<" + name + ">" + checked(text, place: name, inAttribute: false) + "</" + name + ">"
    }

    /// Writes a nested element whose content is written by `body`.
    package mutating func element(_ name: String, attributes: [(name: String, value: String)] = [], _ body: (inout XMLWriter) -> Void) {
        open(name, attributes: attributes)
        body(&self)
        close()
    }

    /// The document, with any elements still open closed; throws the first value that could
    /// not be written.
    package func finish() throws(XMLWriteError) -> String {
        if let firstError { throw firstError }
        var copy = self
        while !copy.openElements.isEmpty { copy.close() }
        return copy.output
    }

    private mutating func checked(_ text: String, place: String, inAttribute: Bool) -> String {
        do {
            return try Self.escape(text, inAttribute: inAttribute)
        } catch {
            if firstError == nil { firstError = XMLWriteError(character: error.character, place: place) }
            return ""
        }
    }

    /// Escapes a value: the five XML special characters as entities, and carriage return as
    /// `&#13;` (a parser turns a literal CR or CR LF into LF, so the receiver would read another
    /// value). In an attribute, tab and newline too (`&#9;`, `&#10;`), which attribute
    /// normalisation would turn into spaces. Throws for a character XML 1.0 cannot carry: a C0
    /// control other than tab, newline and CR, U+FFFE or U+FFFF (lone surrogates cannot occur in
    /// a Swift string).
    package static func escape(_ text: String, inAttribute: Bool = false) throws(XMLWriteError) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\r": escaped += "&#13;"
            case "\t" where inAttribute: escaped += "&#9;"
            case "\n" where inAttribute: escaped += "&#10;"
            case "\t", "\n": escaped.unicodeScalars.append(scalar)
            default:
                guard scalar.value >= 0x20, scalar.value != 0xFFFE, scalar.value != 0xFFFF else {
                    throw XMLWriteError(character: scalar, place: "")
                }
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
