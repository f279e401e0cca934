import CLibXML2

/// Parses XML from untrusted sources (AWS responses, or whatever answers in their place).
///
/// The parser is libxml2 with network access off and entity substitution, DTD loading and huge
/// documents left off. On top of that, any document type declaration is refused outright, before
/// and after parsing: AWS never sends one, and refusing it closes entity expansion (billion laughs)
/// and external entity (XXE) attacks whatever the libxml2 version does.
package enum XMLDocumentParser {
    /// The largest document accepted by default; AWS answers that r53hook reads are far smaller.
    package static let maximumDocumentSize = 8 * 1024 * 1024
    /// The deepest nesting accepted by default; AWS answers nest fewer than ten levels.
    package static let maximumDepth = 64
    /// The most elements accepted by default: a big DescribeInstances page (100 instances of a
    /// few hundred elements each) has tens of thousands. Each element costs libxml2 and the tree
    /// a few hundred bytes, so 8 MiB of `<a/>` (two million elements) would take hundreds of MB.
    package static let maximumElements = 250_000

    /// How much of a document is accepted: bytes, nesting and elements. Counted before libxml2
    /// builds its tree, so a hostile answer is refused before it costs memory.
    package struct Limits: Sendable, Equatable {
        /// The most bytes.
        package var maximumBytes: Int
        /// The deepest nesting.
        package var maximumDepth: Int
        /// The most elements (start tags).
        package var maximumElements: Int

        /// Creates limits; the defaults are the parser's general ones.
        package init(
            maximumBytes: Int = XMLDocumentParser.maximumDocumentSize, maximumDepth: Int = XMLDocumentParser.maximumDepth,
            maximumElements: Int = XMLDocumentParser.maximumElements
        ) {
            self.maximumBytes = maximumBytes
            self.maximumDepth = maximumDepth
            self.maximumElements = maximumElements
        }

        /// The general limits, for any AWS answer.
        package static let standard = Limits()
    }

    /// Parses a whole document and returns its root element.
    package static func parse(_ bytes: [UInt8], limits: Limits = .standard) throws(XMLParseError) -> XMLElement {
        guard !bytes.isEmpty else { throw XMLParseError("empty document") }
        guard bytes.count <= limits.maximumBytes else {
            throw XMLParseError("document larger than \(limits.maximumBytes) bytes")
        }
        if containsDeclaration(bytes) {
            throw XMLParseError("document type or entity declarations are not accepted")
        }
        // Text cannot hold a raw '<', so every element starts with '<' and a name: counting those
        // bounds the elements from above (comments and CDATA only make the count stricter).
        let startTags = countStartTags(bytes)
        guard startTags <= limits.maximumElements else {
            throw XMLParseError("more than \(limits.maximumElements) elements (\(startTags))")
        }
        LibXML2.initializeOnce()

        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                    xmlReadMemory(chars, Int32(buffer.count), "response.xml", nil, options)
                }
            }
        }
        guard let document else {
            throw XMLParseError(lastLibXMLMessage() ?? "not well-formed")
        }
        defer { xmlFreeDoc(document) }

        if document.pointee.intSubset != nil || document.pointee.extSubset != nil {
            throw XMLParseError("document type declarations are not accepted")
        }
        guard let root = xmlDocGetRootElement(document) else {
            throw XMLParseError("no root element")
        }
        return try element(from: root, depth: 1, maximumDepth: limits.maximumDepth)
    }

    /// The number of '<' followed by something other than '/', '!' or '?': an upper bound on
    /// the elements of a well-formed document.
    static func countStartTags(_ bytes: [UInt8]) -> Int {
        var count = 0
        var index = 0
        let last = bytes.count - 1
        while index < last {
            if bytes[index] == UInt8(ascii: "<") {
                let next = bytes[index + 1]
                if next != UInt8(ascii: "/") && next != UInt8(ascii: "!") && next != UInt8(ascii: "?") { count += 1 }
            }
            index += 1
        }
        return count
    }

    private static func element(from node: xmlNodePtr, depth: Int, maximumDepth: Int) throws(XMLParseError) -> XMLElement {
        guard depth <= maximumDepth else { throw XMLParseError("nested deeper than \(maximumDepth) levels") }
        var attributes: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = string(current.pointee.name)
            if let value = xmlGetProp(node, current.pointee.name) {
                attributes[name] = string(value)
                r53_xml_free(value)
            }
            attribute = current.pointee.next
        }

        var children: [XMLElement] = []
        var text = ""
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(try element(from: current, depth: depth + 1, maximumDepth: maximumDepth))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                text += string(current.pointee.content)
            case XML_ENTITY_REF_NODE, XML_ENTITY_NODE, XML_ENTITY_DECL:
                throw XMLParseError("entity references are not accepted")
            default:
                break
            }
            child = current.pointee.next
        }
        return XMLElement(name: string(node.pointee.name), attributes: attributes, children: children, text: text)
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    private static func string(_ pointer: UnsafeMutablePointer<xmlChar>?) -> String {
        string(UnsafePointer(pointer))
    }

    /// Finds `<!DOCTYPE` or `<!ENTITY` anywhere in the raw bytes, so such documents never reach libxml2.
    static func containsDeclaration(_ bytes: [UInt8]) -> Bool {
        let markers: [[UInt8]] = [Array("<!DOCTYPE".utf8), Array("<!ENTITY".utf8)]
        guard bytes.count >= 8 else { return false }
        var index = 0
        while index < bytes.count - 1 {
            if bytes[index] == UInt8(ascii: "<") && bytes[index + 1] == UInt8(ascii: "!") {
                for marker in markers where index + marker.count <= bytes.count {
                    if bytes[index..<(index + marker.count)].elementsEqual(marker, by: { upper($0) == $1 }) {
                        return true
                    }
                }
            }
            index += 1
        }
        return false
    }

    private static func upper(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) ? byte - 32 : byte
    }

    private static func lastLibXMLMessage() -> String? {
        guard let error = xmlGetLastError(), let message = error.pointee.message else { return nil }
        let text = String(cString: message).split(whereSeparator: { $0 == "\n" }).joined(separator: " ")
        return "line \(error.pointee.line): \(text)"
    }
}
