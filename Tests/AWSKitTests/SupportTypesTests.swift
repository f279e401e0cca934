import Testing

@testable import AWSKit

@Suite struct EndpointTests {
    @Test func parsesSchemeHostPortAndPath() throws {
        let endpoint = try Endpoint(parsing: "http://127.0.0.1:4566/base/")
        #expect(endpoint.scheme == "http")
        #expect(endpoint.host == "127.0.0.1")
        #expect(endpoint.port == 4566)
        #expect(endpoint.basePath == "/base")
        #expect(endpoint.hostHeader == "127.0.0.1:4566")
        #expect(endpoint.url(encodedPath: "/x") == "http://127.0.0.1:4566/base/x")
    }

    @Test func leavesDefaultPortsOutOfTheHostHeader() throws {
        #expect(try Endpoint(parsing: "https://route53.amazonaws.com:443").hostHeader == "route53.amazonaws.com")
        #expect(try Endpoint(parsing: "http://169.254.169.254").hostHeader == "169.254.169.254")
    }

    @Test func bracketsIPv6Hosts() throws {
        let endpoint = try Endpoint(parsing: "http://[fd00:ec2::254]:80")
        #expect(endpoint.host == "fd00:ec2::254")
        #expect(endpoint.hostHeader == "[fd00:ec2::254]")
    }

    @Test(arguments: ["169.254.169.254", "ftp://x", "http://", "http://host:0", "http://host:99999", "http://u@host", "http://[::1"])
    func refusesWhatIsNotAnHTTPURL(_ text: String) {
        #expect(throws: AWSKitError.self) { try Endpoint(parsing: text) }
    }
}

@Suite struct UnixTimeTests {
    @Test func parsesTheFormsAWSUses() {
        #expect(UnixTime(iso8601: "1970-01-01T00:00:00Z")?.seconds == 0)
        #expect(UnixTime(iso8601: "2024-02-29T12:00:00Z")?.seconds == 1_709_208_000)
        #expect(UnixTime(iso8601: "2024-02-29T12:00:00.500Z")?.seconds == 1_709_208_000.5)
        #expect(UnixTime(iso8601: "2024-02-29T14:00:00+02:00")?.seconds == 1_709_208_000)
    }

    @Test(arguments: ["", "2024-02-29", "2024-13-01T00:00:00Z", "2024-02-29T12:00:00", "2024-02-29T12:00:00Zjunk", "yyyy-mm-ddThh:mm:ssZ"])
    func refusesOtherText(_ text: String) {
        #expect(UnixTime(iso8601: text) == nil)
    }

    @Test func formatsBackToISO8601() {
        #expect(UnixTime(seconds: 1_709_208_000).iso8601 == "2024-02-29T12:00:00Z")
    }
}

@Suite struct JSONParserTests {
    @Test func parsesACredentialDocument() throws {
        let value = try JSONParser.parse(#"{"Code":"Success","AccessKeyId":"ASIA","Expiration":"2026-11-22T10:00:00Z","N":[1,2.5,-3e2,true,null],"U":"\u00e9\ud83d\ude00"}"#)
        #expect(value["AccessKeyId"]?.stringValue == "ASIA")
        #expect(value["N"] == .array([.number(1), .number(2.5), .number(-300), .bool(true), .null]))
        #expect(value["U"]?.stringValue == "é😀")
    }

    @Test(arguments: ["", "{", "{\"a\":}", "[1,]", "01", "\"\\x\"", "\"a\nb\"", "{\"a\":1} x", "\"\\ud800\"", "tru"])
    func refusesMalformedDocuments(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test func refusesDeepNesting() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)) }
    }

    @Test func writerEscapesAndKeepsKeyOrder() {
        let text = JSONWriter.write(.object([("z", .string("a\"b\n\u{01}")), ("a", .int(1)), ("n", .null)]))
        #expect(text == "{\n  \"z\": \"a\\\"b\\n\\u0001\",\n  \"a\": 1,\n  \"n\": null\n}")
        #expect(throws: Never.self) { try JSONParser.parse(text) }
    }
}

@Suite struct DeadlineTests {
    @Test func countsDownOnTheMonotonicClock() async throws {
        let time = ManualClock()
        let deadline = Deadline(budget: .seconds(10), time: time)
        #expect(deadline.remaining(time) == .seconds(10))
        time.now += .seconds(4)
        #expect(deadline.remaining(time) == .seconds(6))
        time.now += .seconds(7)
        #expect(deadline.remaining(time) == .zero)
        #expect(deadline.hasPassed(time))
    }
}

/// A minimal clock for the deadline test, independent of TestSupport's.
private final class ManualClock: TimeSource, @unchecked Sendable {
    var now: Duration = .zero
    var monotonicNow: Duration { now }
    var wallClock: UnixTime { UnixTime(seconds: 0) }
    func sleep(for duration: Duration) async throws { now += duration }
}
