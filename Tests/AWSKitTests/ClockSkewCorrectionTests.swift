import SigV4
import TestSupport
import Testing

@testable import AWSKit

/// Clock-skew correction: the offset comes from the refusal's Date header, the request is
/// signed again once, and every later request of the process carries the offset.
@Suite struct ClockSkewCorrectionTests {
    @Test func readsTheHTTPDateAWSSends() {
        #expect(UnixTime(httpDate: "Sun, 29 Nov 2026 04:09:33 GMT") == UnixTime(iso8601: "2026-11-29T04:09:33Z"))
        #expect(UnixTime(httpDate: "Tue, 01 Jan 2030 00:00:00 GMT") == UnixTime(iso8601: "2030-01-01T00:00:00Z"))
        for garbage in [
            "", "Sunday, 29-Nov-26 04:09:33 GMT", "Sun Nov 29 04:09:33 2026", "Sun, 29 Nov 2026 04:09:33 PST", "Sun, 29 Foo 2026 04:09:33 GMT", "Sun, 32 Nov 2026 04:09:33 GMT",
            "Sun, 29 Nov 2026 4:09:33 GMT",
        ] {
            #expect(UnixTime(httpDate: garbage) == nil, "\(garbage)")
        }
    }

    @Test func aClockTenMinutesSlowIsCorrectedOnceAndForEveryLaterRequest() async throws {
        let time = ManualTime()
        let logs = LogCapture()
        let server = time.wallClock.adding(seconds: 600)
        let http = ScriptedHTTPClient(sequence: [Self.expired(date: server), Self.ok, Self.ok])
        let skew = ClockSkewCorrection()
        let client = Self.client(http, time: time, logs: logs, skew: skew)
        _ = try await client.send(Self.operation, to: try Self.service())
        #expect(http.requests.count == 2)
        #expect(Self.amzDate(http.requests[0]) == SigV4Date(secondsSince1970: Int64(time.wallClock.seconds)).amzDate)
        #expect(Self.amzDate(http.requests[1]) == SigV4Date(secondsSince1970: Int64(server.seconds)).amzDate)
        #expect(skew.offset == 600)
        let notes = logs.messages.filter { $0.hasPrefix("info:") && $0.contains("clock") }
        #expect(notes.count == 1)
        #expect(notes.first?.contains("10 min 0 s behind AWS's") == true)
        // A later request of the same process goes out corrected at once: one request, no refusal.
        _ = try await client.with(deadline: Deadline(budget: .seconds(60), time: time)).send(Self.operation, to: try Self.service())
        #expect(http.requests.count == 3)
        #expect(Self.amzDate(http.requests[2]) == SigV4Date(secondsSince1970: Int64(server.seconds)).amzDate)
    }

    @Test func aClockTenMinutesFastIsCorrectedToo() async throws {
        let time = ManualTime()
        let logs = LogCapture()
        let server = time.wallClock.adding(seconds: -600)
        let http = ScriptedHTTPClient(sequence: [Self.expired(date: server, message: "Signature not yet current: x is still later than y"), Self.ok])
        let skew = ClockSkewCorrection()
        _ = try await Self.client(http, time: time, logs: logs, skew: skew).send(Self.operation, to: try Self.service())
        #expect(http.requests.count == 2)
        #expect(skew.offset == -600)
        #expect(Self.amzDate(http.requests[1]) == SigV4Date(secondsSince1970: Int64(server.seconds)).amzDate)
        #expect(logs.messages.contains { $0.contains("10 min 0 s ahead of AWS's") })
    }

    @Test func ec2sRequestExpiredIsCorrectedFromItsDateHeader() async throws {
        let time = ManualTime()
        let server = time.wallClock.adding(seconds: 3 * 3600)
        let refusal = ScriptedHTTPClient.Answer.status(
            400, "<Response><Errors><Error><Code>RequestExpired</Code><Message>Request has expired.</Message></Error></Errors><RequestID>r</RequestID></Response>",
            headers: [HTTPHeader("Date", Self.httpDate(server))])
        let http = ScriptedHTTPClient(sequence: [refusal, Self.ok])
        let skew = ClockSkewCorrection()
        _ = try await Self.client(http, time: time, skew: skew).send(Self.operation, to: try Self.service())
        #expect(skew.offset == 3 * 3600)
    }

    @Test func route53sBareInvalidSignatureExceptionIsReadAndCorrected() async throws {
        let time = ManualTime()
        let server = time.wallClock.adding(seconds: 900)
        let refusal = ScriptedHTTPClient.Answer.status(
            403, "<?xml version=\"1.0\"?>\n<InvalidSignatureException>\n  <Message>Signature expired: a is now earlier than b</Message>\n</InvalidSignatureException>\n",
            headers: [HTTPHeader("Date", Self.httpDate(server))])
        let error = AWSServiceError(status: 403, body: Array("<InvalidSignatureException><Message>m</Message></InvalidSignatureException>".utf8))
        #expect(error.code == "InvalidSignatureException" && error.message == "m")
        let http = ScriptedHTTPClient(sequence: [refusal, Self.ok])
        let skew = ClockSkewCorrection()
        _ = try await Self.client(http, time: time, skew: skew).send(Self.operation, to: try Self.service())
        #expect(skew.offset == 900)
    }

    @Test func aWrongSecretIsNotMistakenForSkew() async throws {
        // SignatureDoesNotMatch with AWS's time agreeing with ours: the secret is wrong.
        let time = ManualTime()
        let http = ScriptedHTTPClient(sequence: [Self.expired(date: time.wallClock.adding(seconds: 2), message: "The request signature we calculated does not match")])
        let skew = ClockSkewCorrection()
        await #expect(throws: AWSKitError.self) {
            _ = try await Self.client(http, time: time, skew: skew).send(Self.operation, to: try Self.service())
        }
        #expect(http.requests.count == 1)
        #expect(skew.offset == 0)
    }

    @Test func aRefusalWithoutADateHeaderStillSaysFixTheTime() async throws {
        let http = ScriptedHTTPClient(sequence: [
            .status(403, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>Signature expired: a is now earlier than b</Message></Error></ErrorResponse>")
        ])
        do {
            _ = try await Self.client(http, skew: ClockSkewCorrection()).send(Self.operation, to: try Self.service())
            Issue.record("a skewed request must fail")
        } catch let error as AWSKitError {
            #expect(error.code == .accessDenied)
            #expect(error.message.contains("clock is off"))
        }
        #expect(http.requests.count == 1)
    }

    @Test func oneRequestIsSignedAgainAtMostOnce() async throws {
        // A server whose time keeps moving away: one correction, then the refusal stands.
        let time = ManualTime()
        let http = ScriptedHTTPClient { _, index in Self.expired(date: time.wallClock.adding(seconds: Double(600 * (index + 1)))) }
        do {
            _ = try await Self.client(http, time: time, skew: ClockSkewCorrection()).send(Self.operation, to: try Self.service())
            Issue.record("a server that keeps refusing must end in an error")
        } catch let error as AWSKitError {
            #expect(error.code == .accessDenied)
        }
        #expect(http.requests.count == 2)
    }

    @Test func aDifferenceUnderTheThresholdIsLeftAlone() {
        let skew = ClockSkewCorrection()
        let now = UnixTime(seconds: 1_795_000_000)
        let error = AWSServiceError(status: 403, code: "SignatureDoesNotMatch", message: "Signature expired")
        #expect(!skew.adjust(after: error, serverDate: Self.httpDate(now.adding(seconds: 200)), machineTime: now, logger: LogCapture().logger(), context: "t"))
        #expect(skew.adjust(after: error, serverDate: Self.httpDate(now.adding(seconds: 300)), machineTime: now, logger: LogCapture().logger(), context: "t"))
        #expect(skew.signingTime(machineTime: now) == now.adding(seconds: 300))
        let throttled = AWSServiceError(status: 400, code: "Throttling", message: "Rate exceeded")
        #expect(!skew.adjust(after: throttled, serverDate: Self.httpDate(now.adding(seconds: 3000)), machineTime: now, logger: LogCapture().logger(), context: "t"))
    }

    // MARK: - helpers

    private static func service() throws -> AWSService {
        AWSService(
            displayName: "Route 53", signingName: "route53", iamPrefix: "route53", region: "us-east-1",
            endpoint: try Endpoint(parsing: "https://route53.amazonaws.com"))
    }

    private static let operation = AWSOperation(name: "GetChange", method: "GET", path: "/2013-04-01/change/C1")

    private static let ok = ScriptedHTTPClient.Answer.status(200, "<GetChangeResponse><ChangeInfo><Id>/change/C1</Id></ChangeInfo></GetChangeResponse>")

    private static func expired(date: UnixTime, message: String = "Signature expired: a is now earlier than b (c - 5 min.)") -> ScriptedHTTPClient.Answer {
        .status(
            403, "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>\(message)</Message></Error><RequestId>r</RequestId></ErrorResponse>",
            headers: [HTTPHeader("Date", httpDate(date))])
    }

    private static func client(_ http: ScriptedHTTPClient, time: ManualTime = ManualTime(), logs: LogCapture = LogCapture(), skew: ClockSkewCorrection) -> AWSClient {
        let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", source: "test")
        return AWSClient(
            http: http, credentials: RefreshingCredentials(provider: StaticCredentialProvider(credentials), time: time, logger: logs.logger()),
            time: time, retryPolicy: RetryPolicy(random: { 0.5 }), deadline: Deadline(budget: .seconds(60), time: time), logger: logs.logger(),
            clockSkew: skew)
    }

    private static func amzDate(_ request: HTTPRequest) -> String? {
        request.headers.first { $0.name.lowercased() == "x-amz-date" }?.value
    }

    /// IMF-fixdate of a time, as an AWS endpoint writes its Date header.
    static func httpDate(_ time: UnixTime) -> String {
        let iso = time.iso8601  // YYYY-MM-DDTHH:MM:SSZ
        let parts = iso.split(separator: "T")
        let date = parts[0].split(separator: "-")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let days = Int(time.seconds.rounded(.down)) / 86_400
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days % 7]
        return "\(weekday), \(date[2]) \(months[Int(date[1])! - 1]) \(date[0]) \(parts[1].dropLast()) GMT"
    }
}
