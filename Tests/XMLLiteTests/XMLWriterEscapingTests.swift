import Testing
import XMLLite

@Suite struct XMLWriterEscapingTests {
    @Test func carriageReturnIsWrittenAsACharacterReference() throws {
        var writer = XMLWriter()
        writer.element("Root") { $0.element("Value", "a\rb\r\nc\td\ne") }
        let text = try writer.finish()
        #expect(text.contains("<Value>a&#13;b&#13;\nc\td\ne</Value>"))
        // The receiver reads back exactly what was meant (a literal CR would become LF).
        #expect(try XMLDocumentParser.parse(Array(text.utf8)).childText("Value") == "a\rb\r\nc\td\ne")
    }

    @Test func attributesKeepTabsAndLineBreaks() throws {
        var writer = XMLWriter()
        writer.element("Root", attributes: [(name: "note", value: "a\tb\nc\rd")]) { _ in }
        let text = try writer.finish()
        #expect(text.contains(#"note="a&#9;b&#10;c&#13;d""#))
        #expect(try XMLDocumentParser.parse(Array(text.utf8)).attributes["note"] == "a\tb\nc\rd")
    }

    @Test func refusesWhatXMLCannotCarryInsteadOfDroppingIt() {
        for bad in ["\u{0}", "\u{1}", "\u{8}", "\u{B}", "\u{C}", "\u{1B}", "\u{1F}", "\u{FFFE}", "\u{FFFF}"] {
            var writer = XMLWriter()
            writer.element("Root") { root in
                root.element("Name", "app.example.com.")
                root.element("SetIdentifier", "web" + bad + "1")
                root.element("Later", "x\u{1}")
            }
            #expect(throws: XMLWriteError(character: bad.unicodeScalars.first ?? " ", place: "SetIdentifier")) { try writer.finish() }
            #expect(throws: XMLWriteError.self) { try XMLWriter.escape("a" + bad) }
        }
        var attribute = XMLWriter()
        attribute.open("Root", attributes: [(name: "note", value: "\u{2}")])
        #expect(throws: XMLWriteError(character: "\u{2}", place: "Root@note")) { try attribute.finish() }
    }

    @Test func theErrorNamesTheCharacterByItsCodePoint() {
        #expect("\(XMLWriteError(character: "\u{1}", place: "SetIdentifier"))" == "U+0001 in <SetIdentifier> cannot be written in XML 1.0")
    }

    @Test func everythingXMLCanCarryGoesThroughUnchanged() throws {
        let text = "DEL\u{7F} C1\u{85}\u{9B} BMP\u{FFFD} astral\u{1F642} é"
        #expect(try XMLWriter.escape(text) == text)
        var writer = XMLWriter()
        writer.element("Value", text)
        #expect(try XMLDocumentParser.parse(Array(writer.finish().utf8)).text == text)
    }
}
