import Testing

@testable import XMLLite

@Suite struct XMLDocumentParserTests {
    private func parse(_ text: String) throws -> XMLElement {
        try XMLDocumentParser.parse(Array(text.utf8))
    }

    @Test func parsesARoute53ChangeInfoIgnoringTheNamespace() throws {
        let root = try parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <ChangeResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
              <ChangeInfo><Id>/change/C2682N5HXP0BZ4</Id><Status>PENDING</Status>
              <SubmittedAt>2026-11-22T10:00:00.000Z</SubmittedAt></ChangeInfo>
            </ChangeResourceRecordSetsResponse>
            """)
        #expect(root.name == "ChangeResourceRecordSetsResponse")
        #expect(root.element(at: "ChangeInfo", "Id")?.trimmedText == "/change/C2682N5HXP0BZ4")
        #expect(root.child("ChangeInfo")?.childText("Status") == "PENDING")
        #expect(root.child("Missing") == nil)
    }

    @Test func keepsRepeatedChildrenInOrderAndDecodesCharacterReferences() throws {
        let root = try parse(#"<a x="1&amp;2"><v>&lt;one&gt;</v><v><![CDATA[two & <three>]]></v><w/><v>&#x41;</v></a>"#)
        #expect(root.children(named: "v").map(\.text) == ["<one>", "two & <three>", "A"])
        #expect(root.attributes["x"] == "1&2")
    }

    @Test func refusesADoctypeEvenWithoutEntities() {
        #expect(throws: XMLParseError.self) { try parse(#"<!DOCTYPE a><a/>"#) }
        #expect(throws: XMLParseError.self) { try parse("<?xml version=\"1.0\"?>\n<!doctype a []>\n<a/>") }
    }

    @Test func refusesTheBillionLaughs() {
        let bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol">
            <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
            <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
            <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
            <!ENTITY lol9 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">]>
            <lolz>&lol9;</lolz>
            """
        #expect(throws: XMLParseError.self) { try parse(bomb) }
    }

    @Test func refusesExternalEntities() {
        let xxe = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#
        #expect(throws: XMLParseError.self) { try parse(xxe) }
    }

    @Test func refusesAnUndeclaredEntityReference() {
        #expect(throws: XMLParseError.self) { try parse("<r>&x;</r>") }
    }

    @Test func refusesTruncatedAndMalformedInput() {
        let whole = #"<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"#
        for length in [1, 10, 30, whole.utf8.count - 1] {
            #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(Array(whole.utf8.prefix(length))) }
        }
        #expect(throws: XMLParseError.self) { try parse("") }
        #expect(throws: XMLParseError.self) { try parse("not xml at all") }
        #expect(throws: XMLParseError.self) { try parse("<a></b>") }
        #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse([0xFF, 0xFE, 0x00, 0x3C]) }
    }

    @Test func refusesNestingDeeperThanTheLimit() {
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        #expect(throws: XMLParseError.self) { try parse(deep) }
        let shallow = String(repeating: "<a>", count: 20) + String(repeating: "</a>", count: 20)
        #expect((try? parse(shallow)) != nil)
    }

    @Test func refusesDocumentsOverTheSizeLimit() {
        let big = [UInt8](repeating: UInt8(ascii: " "), count: XMLDocumentParser.maximumDocumentSize + 1)
        #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(big) }
    }
}

@Suite struct XMLWriterTests {
    @Test func escapesTextAndAttributesAndRoundTrips() throws {
        var writer = XMLWriter()
        writer.element("Root", attributes: [(name: "note", value: "urn:\"x\"")]) { root in
            root.element("Value", "\"a<b>&'c'\"")
            root.element("Nested") { $0.element("Inner", "plain") }
        }
        let text = try writer.finish()
        #expect(text.contains("&quot;a&lt;b&gt;&amp;&apos;c&apos;&quot;"))
        let parsed = try XMLDocumentParser.parse(Array(text.utf8))
        #expect(parsed.childText("Value") == "\"a<b>&'c'\"")
        #expect(parsed.element(at: "Nested", "Inner")?.text == "plain")
        #expect(parsed.attributes["note"] == "urn:\"x\"")
    }

    @Test func closesWhatIsLeftOpen() throws {
        var writer = XMLWriter()
        writer.open("A")
        writer.open("B")
        #expect(try writer.finish().hasSuffix("<A><B></B></A>"))
    }
}
