/// One element of a parsed XML document: an immutable value, safe to share across tasks.
///
/// Names are local names (namespace prefixes dropped), because AWS responses put every element
/// in one default namespace and callers care only about the element names.
package struct XMLElement: Sendable, Equatable {
    /// The element's local name, without any namespace prefix.
    package let name: String
    /// The element's attributes by local name.
    package let attributes: [String: String]
    /// The child elements, in document order.
    package let children: [XMLElement]
    /// The text directly inside this element (text and CDATA nodes concatenated), untrimmed.
    package let text: String

    /// Creates an element; the parser uses this, and so can tests.
    package init(name: String, attributes: [String: String] = [:], children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The first child element with the given local name.
    package func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }

    /// Every child element with the given local name, in document order.
    package func children(named name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    /// The text of the first child with the given name, with surrounding white space removed.
    package func childText(_ name: String) -> String? {
        child(name).map { $0.trimmedText }
    }

    /// Follows a path of child names from this element, e.g. `element(at: "Error", "Code")`.
    package func element(at path: String...) -> XMLElement? {
        var current: XMLElement? = self
        for name in path {
            current = current?.child(name)
        }
        return current
    }

    /// The element's text with leading and trailing white space removed.
    package var trimmedText: String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
            let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[first...last])
    }
}
