import XMLLite

/// XMLLite on arbitrary bytes: never crashes, never accepts a document type or entity
/// declaration in any case, keeps to its depth limit, and what it reads the writer writes back
/// to the same tree (attributes and leaf texts, escapes included).
enum XMLFuzz {
    static let limits = XMLDocumentParser.Limits(maximumBytes: 1 << 20, maximumDepth: 64, maximumElements: 20_000)

    static func run(_ bytes: [UInt8]) {
        let root: XMLElement
        do {
            root = try XMLDocumentParser.parse(bytes, limits: limits)
        } catch {
            return
        }
        if containsDeclaration(bytes) { violated("a document with <!DOCTYPE or <!ENTITY was accepted") }
        let depth = self.depth(root)
        if depth > limits.maximumDepth { violated("a tree \(depth) deep was accepted (limit \(limits.maximumDepth))") }

        var writer = XMLWriter()
        write(root, into: &writer)
        let text: String
        do {
            text = try writer.finish()
        } catch {
            violated("the writer refused a value the parser read: \(error)")
        }
        let reread: XMLElement
        do {
            reread = try XMLDocumentParser.parse(Array(text.utf8), limits: limits)
        } catch {
            violated("the writer's document does not parse: \(error)\n\(text)")
        }
        if projection(reread) != projection(root) { violated("written and read again, the tree changed:\n\(text)") }
    }

    /// Case-insensitive `<!DOCTYPE` or `<!ENTITY` anywhere, as the parser promises to refuse.
    static func containsDeclaration(_ bytes: [UInt8]) -> Bool {
        let upper = bytes.map { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) ? $0 - 32 : $0 }
        for marker in [Array("<!DOCTYPE".utf8), Array("<!ENTITY".utf8)] where upper.count >= marker.count {
            for start in 0...(upper.count - marker.count) where upper[start..<(start + marker.count)].elementsEqual(marker) {
                return true
            }
        }
        return false
    }

    static func depth(_ element: XMLElement) -> Int {
        1 + (element.children.map(depth).max() ?? 0)
    }

    /// The writer has no mixed content: it writes a text only in an element without children.
    static func write(_ element: XMLElement, into writer: inout XMLWriter) {
        let attributes = element.attributes.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        if element.children.isEmpty && attributes.isEmpty {
            writer.element(element.name, element.text)
            return
        }
        writer.open(element.name, attributes: attributes)
        if element.children.isEmpty {
            writer.close()
            return
        }
        for child in element.children { write(child, into: &writer) }
        writer.close()
    }

    /// What the writer can carry: names, attributes, children, and the text of leaves without
    /// attributes.
    static func projection(_ element: XMLElement) -> XMLElement {
        let keepsText = element.children.isEmpty && element.attributes.isEmpty
        return XMLElement(
            name: element.name, attributes: element.attributes, children: element.children.map(projection),
            text: keepsText ? element.text : "")
    }
}
