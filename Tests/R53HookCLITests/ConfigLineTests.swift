import AWSKit
import R53HookKit
import Testing

@testable import R53HookCLI

/// The config file grammar: what sh reads as a literal assignment is read, the rest refused,
/// and a refusal never quotes the value.
@Suite struct ConfigLineTests {
    private func parse(_ line: String) throws(ConfigLine.Problem) -> ConfigLine? {
        try ConfigLine.parse(Array(line.unicodeScalars))
    }

    private func problem(_ line: String) -> ConfigLine.Problem? {
        do {
            _ = try parse(line)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("X=plain", "plain"),
        ("X=", ""),
        ("X=a-b_c.d/e:f@g%h+i=j,k", "a-b_c.d/e:f@g%h+i=j,k"),
        ("X='web; touch /tmp/x'", "web; touch /tmp/x"),
        ("X='$(x) `y` \\ \"'", "$(x) `y` \\ \""),
        ("X=\"a b 'c' ; | & < > ( )\"", "a b 'c' ; | & < > ( )"),
        (" \tX=indented", "indented"),
        ("X=value \t", "value"),
        ("X=value   # comment; $(touch x)", "value"),
        ("X='quoted' # comment", "quoted"),
        ("X=\"\"", ""),
        ("export X=exported", "exported"),
        ("export=word", "word"),
        ("X='caf\u{E9}'", "caf\u{E9}"),
        ("X='a\tb'", "a\tb"),
    ])
    func readsLiteralAssignments(_ line: String, _ value: String) throws {
        let parsed = try #require(try parse(line))
        #expect(parsed.value == value)
        #expect(parsed.key == (line.contains("export=") ? "export" : "X"))
    }

    @Test(arguments: ["", "   ", "# comment; $(touch x) `y`", "\t# indented comment", "#\u{7}bell in a comment"])
    func skipsBlankLinesAndComments(_ line: String) throws {
        #expect(try parse(line) == nil)
    }

    @Test(arguments: [
        ("X=web;touch /tmp/x", ConfigLine.Problem.unsafeCharacter(key: "X")),
        ("X=web touch /tmp/x", .textAfterValue(key: "X")),
        ("X= touch /tmp/x", .startsWithBlank(key: "X")),
        ("X=$(touch /tmp/x)", .expansion(key: "X")),
        ("X=`touch /tmp/x`", .expansion(key: "X")),
        ("X=$HOME", .expansion(key: "X")),
        ("X=\"$(touch /tmp/x)\"", .expansion(key: "X")),
        ("X=\"a\\b\"", .expansion(key: "X")),
        ("X=a|b", .unsafeCharacter(key: "X")),
        ("X=a&b", .unsafeCharacter(key: "X")),
        ("X=a>b", .unsafeCharacter(key: "X")),
        ("X=a<b", .unsafeCharacter(key: "X")),
        ("X=(a)", .unsafeCharacter(key: "X")),
        ("X=~root", .unsafeCharacter(key: "X")),
        ("X=a*", .unsafeCharacter(key: "X")),
        ("X=a#b", .unsafeCharacter(key: "X")),
        ("X=caf\u{E9}", .unsafeCharacter(key: "X")),
        ("X='open", .unclosedQuote(key: "X")),
        ("X=\"open", .unclosedQuote(key: "X")),
        ("X='a'b", .textAfterValue(key: "X")),
        ("X='a';b", .textAfterValue(key: "X")),
        ("X='a'#b", .textAfterValue(key: "X")),
        ("X=\"a\"b", .textAfterValue(key: "X")),
        ("X =value", .notAName),
        ("1X=value", .notAName),
        ("X-Y=value", .notAName),
        ("=value", .notAName),
        ("touch /tmp/x", .notAnAssignment),
        ("; comment", .notAnAssignment),
        ("X=a\\", .endsWithBackslash),
        ("# comment \\", .endsWithBackslash),
        ("X=a\r", .carriageReturn),
        ("# comment\rX=b", .carriageReturn),
        ("X=a\u{1B}b", .controlCharacter),
        ("X='a\u{7}b'", .controlCharacter),
        ("X='a\u{FFFD}b'", .invalidUTF8(key: "X")),
    ])
    func refusesWhatShWouldNotReadLiterally(_ line: String, _ expected: ConfigLine.Problem) {
        #expect(problem(line) == expected)
    }

    @Test func theAuditsExampleIsRefusedAndItsFileNamedByLineAndKey() {
        do {
            _ = try ConfigFile(path: "/etc/sysconfig/r53hook", text: "R53HOOK_NAME=www.example.com\nR53HOOK_SET_IDENTIFIER=web;touch /tmp/x\n")
            Issue.record("expected a refusal")
        } catch {
            #expect(error.kind == .configuration)
            #expect(error.message.hasPrefix("/etc/sysconfig/r53hook:2: the value of R53HOOK_SET_IDENTIFIER has characters"))
            #expect(!error.message.contains("touch"))
        }
    }

    @Test(arguments: [
        "AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY;",
        "AWS_SECRET_ACCESS_KEY=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'x",
        "AWS_SECRET_ACCESS_KEY=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY$\"",
        "AWS SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ])
    func anErrorNamesTheLineAndKeyButNeverTheValue(_ line: String) {
        do {
            _ = try ConfigFile(path: "f", text: "# keys\n\(line)\n")
            Issue.record("expected a refusal")
        } catch {
            #expect(error.message.hasPrefix("f:2: "))
            #expect(!error.message.contains("wJalr"))
            #expect(!error.message.contains("EXAMPLEKEY"))
            if line.hasPrefix("AWS_SECRET_ACCESS_KEY=") {
                #expect(error.message.contains("AWS_SECRET_ACCESS_KEY"))
            }
        }
    }

    @Test func aCarriageReturnBeforeTheLineFeedIsDroppedAsSystemdDoes() throws {
        let file = try ConfigFile(path: "f", text: "R53HOOK_NAME=app.example.com\r\nAWS_REGION='eu-west-1'\r\n")
        #expect(file.settings == ["R53HOOK_NAME": "app.example.com"])
        #expect(file.environment == ["AWS_REGION": "eu-west-1"])
    }

    @Test func otherUnicodeLineBreaksAreNotLineEnds() {
        // Only a line feed ends a line for sh; U+2028 would hide a second line from a Character split.
        #expect(throws: SettingsError.self) { try ConfigFile(path: "f", text: "X=a\u{2028}Y=b\n") }
    }
}
