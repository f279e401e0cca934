import SigV4
import Testing

@Suite("SigV4Encoding")
struct SigV4EncodingTests {
    @Test func keepsUnreservedCharacters() {
        let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
        #expect(SigV4Encoding.percentEncode(unreserved) == unreserved)
    }

    @Test(
        "encodes everything else with upper-case hex",
        arguments: [
            (" ", "%20"),
            ("+", "%2B"),
            ("*", "%2A"),
            ("=", "%3D"),
            ("&", "%26"),
            ("%", "%25"),
            ("/", "%2F"),
            (":", "%3A"),
            ("é", "%C3%A9"),
            ("😀", "%F0%9F%98%80"),
            ("\u{0}", "%00"),
            ("*.Ex ample=1", "%2A.Ex%20ample%3D1"),
            ("", ""),
        ])
    func encodes(value: String, expected: String) {
        #expect(SigV4Encoding.percentEncode(value) == expected)
    }

    @Test func keepsSlashesOnlyWhenAsked() {
        #expect(SigV4Encoding.percentEncode("a/b c", keepingSlashes: true) == "a/b%20c")
        #expect(SigV4Encoding.percentEncode("a/b c", keepingSlashes: false) == "a%2Fb%20c")
    }

    @Test func encodedPathEncodesEachSegmentAndKeepsSlashes() {
        #expect(
            SigV4Encoding.encodedPath("/2013-04-01/hostedzone/Z1 D*é/rrset")
                == "/2013-04-01/hostedzone/Z1%20D%2A%C3%A9/rrset"
        )
        #expect(SigV4Encoding.encodedPath("/") == "/")
        #expect(SigV4Encoding.encodedPath("") == "")
    }

    @Test func emptyQueryIsEmptyString() {
        #expect(SigV4Encoding.canonicalQueryString([]) == "")
    }

    @Test func querySortsByEncodedNameThenValueInByteOrder() {
        let items = [
            SigV4QueryItem(name: "type", value: "A"),
            SigV4QueryItem(name: "tag", value: "b"),
            SigV4QueryItem(name: "tag", value: "a"),
            SigV4QueryItem(name: "tag", value: "B"),
            SigV4QueryItem(name: "Name", value: "upper case sorts first"),
            SigV4QueryItem(name: "empty", value: ""),
        ]
        #expect(
            SigV4Encoding.canonicalQueryString(items)
                == "Name=upper%20case%20sorts%20first&empty=&tag=B&tag=a&tag=b&type=A"
        )
    }

    /// Sorting must use the encoded form: "*" (0x2A) sorts after " " (0x20) raw, but
    /// encoded they are "%2A" and "%20", and "%2" ties, then "0" < "A".
    @Test func querySortsOnEncodedFormNotRawForm() {
        let items = [
            SigV4QueryItem(name: "k", value: "-"),
            SigV4QueryItem(name: "k", value: "*"),
            SigV4QueryItem(name: "k", value: " "),
        ]
        #expect(SigV4Encoding.canonicalQueryString(items) == "k=%20&k=%2A&k=-")
    }

    @Test func queryEncodesReservedCharactersInNamesAndValues() {
        let items = [
            SigV4QueryItem(name: "name", value: "*.Ex ample=ünïcode.example.com."),
            SigV4QueryItem(name: "identifier", value: "a+b&c/d e~f"),
        ]
        #expect(
            SigV4Encoding.canonicalQueryString(items)
                == "identifier=a%2Bb%26c%2Fd%20e~f&name=%2A.Ex%20ample%3D%C3%BCn%C3%AFcode.example.com."
        )
    }
}
