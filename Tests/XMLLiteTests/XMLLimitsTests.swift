import Testing

@testable import XMLLite

/// Element counts are bounded before libxml2 builds its tree: a body of `<a/>` elements that
/// fits the size limit must not take hundreds of MB.
@Suite struct XMLLimitsTests {
    @Test func refusesMoreElementsThanTheLimitBeforeParsing() {
        let many = "<r>" + String(repeating: "<a/>", count: XMLDocumentParser.maximumElements) + "</r>"
        #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(Array(many.utf8)) }
    }

    @Test func countsOnlyStartTags() throws {
        // Closing tags, comments, processing instructions and escaped text do not count.
        let text = "<?xml version=\"1.0\"?><r><!-- <x> --><a>1 &lt; 2</a><b/></r>"
        #expect(XMLDocumentParser.countStartTags(Array(text.utf8)) == 4)  // r, a, b and the commented-out x
        let limits = XMLDocumentParser.Limits(maximumElements: 4)
        #expect(try XMLDocumentParser.parse(Array(text.utf8), limits: limits).children.count == 2)
        #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(Array(text.utf8), limits: XMLDocumentParser.Limits(maximumElements: 3)) }
    }

    @Test func keepsToItsOwnSizeLimit() {
        let text = "<r>" + String(repeating: " ", count: 100) + "</r>"
        #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(Array(text.utf8), limits: XMLDocumentParser.Limits(maximumBytes: 100)) }
    }
}
