import SigV4
import TestSupport
import Testing

@testable import AWSKit

@Suite struct AWSServiceErrorTests {
    @Test func decodesTheErrorResponseShape() {
        let error = AWSServiceError(
            status: 400,
            body: Array(
                """
                <?xml version="1.0"?>
                <ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type>
                <Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>req-1</RequestId></ErrorResponse>
                """.utf8))
        #expect(error.code == "Throttling")
        #expect(error.message == "Rate exceeded")
        #expect(error.requestId == "req-1")
        #expect(error.isThrottling)
    }

    @Test func decodesInvalidChangeBatchWithEveryMessage() {
        let error = AWSServiceError(status: 400, body: Array("<InvalidChangeBatch><Messages><Message>one</Message><Message>two</Message></Messages><RequestId>r</RequestId></InvalidChangeBatch>".utf8))
        #expect(error.code == "InvalidChangeBatch")
        #expect(error.messages == ["one", "two"])
        #expect(!error.isThrottling && !error.isTransient && !error.isAccessDenied)
    }

    @Test func decodesInvalidChangeBatchInTheErrorResponseShapeToo() {
        // Route 53 also answers InvalidChangeBatch as an ErrorResponse with the messages in brackets.
        let error = AWSServiceError(
            status: 400,
            body: Array(
                "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidChangeBatch</Code><Message>[Tried to delete resource record set [name='a.example.com.', type='A', set-identifier='i-1'] but it was not found]</Message></Error><RequestId>r</RequestId></ErrorResponse>"
                    .utf8))
        #expect(error.code == "InvalidChangeBatch")
        #expect(error.message.contains("but it was not found"))
    }

    @Test func decodesTheEC2Shape() {
        let error = AWSServiceError(
            status: 403, body: Array("<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no</Message></Error></Errors><RequestID>x</RequestID></Response>".utf8))
        #expect(error.code == "UnauthorizedOperation")
        #expect(error.requestId == "x")
        #expect(error.isMissingPermission)
    }

    @Test(arguments: ["", "<html>502 Bad Gateway</html", "<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", "\u{0}\u{1}garbage"])
    func neverCrashesOnHostileBodies(_ body: String) {
        let error = AWSServiceError(status: 502, body: Array(body.utf8), requestIdHeader: "hdr")
        #expect(error.code.hasPrefix("HTTP") || error.code == "")
        #expect(error.isTransient)
    }

    @Test func emptyCode403CountsAsAccessDenied() {
        #expect(AWSServiceError(status: 403, body: []).isAccessDenied)
    }
}

@Suite struct RetryPolicyTests {
    @Test func fullJitterStaysUnderTheCappedExponential() {
        let top = RetryPolicy(baseDelay: .milliseconds(250), maximumDelay: .seconds(20), random: { 0.999_999 })
        #expect(top.delay(beforeRetry: 1) <= .milliseconds(250))
        #expect(top.delay(beforeRetry: 1) >= .milliseconds(249))
        #expect(top.delay(beforeRetry: 4) <= .seconds(2))
        #expect(top.delay(beforeRetry: 4) >= .milliseconds(1999))
        #expect(top.delay(beforeRetry: 40) <= .seconds(20))
        #expect(top.delay(beforeRetry: 40) >= .milliseconds(19_999))
        #expect(RetryPolicy(random: { 0 }).delay(beforeRetry: 9) == .zero)
    }
}

@Suite struct RedactionTests {
    @Test func hidesSignaturesAndTokens() {
        let text = Redaction.headers([
            HTTPHeader("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/route53/aws4_request, SignedHeaders=host;x-amz-date, Signature=deadbeef1234"),
            HTTPHeader("X-Amz-Security-Token", "SESSIONTOKEN"),
            HTTPHeader("X-aws-ec2-metadata-token", "IMDSTOKEN"),
            HTTPHeader("host", "route53.amazonaws.com"),
        ])
        #expect(!text.contains("deadbeef1234"))
        #expect(!text.contains("SESSIONTOKEN"))
        #expect(!text.contains("IMDSTOKEN"))
        #expect(!text.contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(text.contains("Credential=AKIA…MPLE/20261122/us-east-1/route53/aws4_request"))
        #expect(text.contains("route53.amazonaws.com"))
    }

    @Test func masksCredentialFieldsInBodies() {
        let text = Redaction.body(Array(#"{"AccessKeyId":"ASIA","SecretAccessKey" : "TOPSECRET","Token":"TOK"} <SessionToken>XMLTOK</SessionToken>"#.utf8))
        #expect(!text.contains("TOPSECRET"))
        #expect(!text.contains("\"TOK\""))
        #expect(!text.contains("XMLTOK"))
        #expect(text.contains("ASIA"))
    }
}

@Suite struct AWSClientTests {
    private static func service() throws -> AWSService {
        AWSService(
            displayName: "Route 53", signingName: "route53", iamPrefix: "route53", region: "us-east-1",
            endpoint: try Endpoint(parsing: "https://route53.amazonaws.com"))
    }

    private static let operation = AWSOperation(
        name: "ChangeResourceRecordSets", method: "POST", path: "/2013-04-01/hostedzone/Z1/rrset",
        body: Array("<x/>".utf8), contentType: "application/xml",
        resourceARN: "arn:aws:route53:::hostedzone/Z1")

    private func client(
        _ http: ScriptedHTTPClient, time: ManualTime = ManualTime(), deadline: Duration = .seconds(300),
        credentials: AWSCredentials = AWSCredentials(
            accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret",
            sessionToken: "session", source: "test"),
        logs: LogCapture = LogCapture()
    ) -> AWSClient {
        let cache = RefreshingCredentials(provider: StaticCredentialProvider(credentials), time: time, logger: logs.logger())
        return AWSClient(
            http: http, credentials: cache, time: time, retryPolicy: RetryPolicy(random: { 0.5 }),
            deadline: Deadline(budget: deadline, time: time), logger: logs.logger())
    }

    private static let ok = ScriptedHTTPClient.Answer.status(200, "<ChangeResourceRecordSetsResponse><ChangeInfo><Id>/change/C1</Id></ChangeInfo></ChangeResourceRecordSetsResponse>")
    private static let throttled = ScriptedHTTPClient.Answer.status(400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>")

    @Test func signsEveryRequestWithTheSessionToken() async throws {
        let http = ScriptedHTTPClient(sequence: [Self.ok])
        let root = try await client(http).send(Self.operation, to: try Self.service())
        #expect(root.element(at: "ChangeInfo", "Id")?.text == "/change/C1")
        let headers = try #require(http.requests.first?.headers)
        #expect(headers.contains { $0.name.lowercased() == "authorization" && $0.value.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") && $0.value.contains("/us-east-1/route53/aws4_request") })
        #expect(headers.contains { $0.name.lowercased() == "x-amz-security-token" && $0.value == "session" })
        #expect(headers.contains { $0.name == "host" && $0.value == "route53.amazonaws.com" })
        #expect(http.requests.first?.url == "https://route53.amazonaws.com/2013-04-01/hostedzone/Z1/rrset")
        #expect(http.requests.first?.bypassesProxy == false)
    }

    @Test func retriesThrottlingAnd5xxAndDroppedConnectionsThenSucceeds() async throws {
        let time = ManualTime()
        let http = ScriptedHTTPClient(sequence: [
            Self.throttled, .status(503), .failure(HTTPTransportError(.connectionLost, "Empty reply from server")),
            .status(400, "<ErrorResponse><Error><Code>PriorRequestNotComplete</Code><Message>wait</Message></Error></ErrorResponse>"),
            Self.ok,
        ])
        _ = try await client(http, time: time).send(Self.operation, to: try Self.service())
        #expect(http.requests.count == 5)
        // Full jitter at random 0.5: half of 250 ms, 500 ms, 1 s, 2 s.
        #expect(time.sleeps == [.milliseconds(125), .milliseconds(250), .milliseconds(500), .milliseconds(1000)])
    }

    @Test func throttlingPastTheDeadlineIsTemporary() async throws {
        let http = ScriptedHTTPClient(sequence: [Self.throttled])
        let time = ManualTime()
        let started = time.monotonicNow
        do {
            _ = try await client(http, time: time, deadline: .seconds(10)).send(Self.operation, to: try Self.service())
            Issue.record("expected the deadline to pass")
        } catch let error as AWSKitError {
            #expect(error.code == .throttled)
            #expect(error.message.contains("kept throttling"))
            #expect(error.message.contains("10 s deadline"))
        }
        #expect(http.requests.count > 3)
        // It kept trying until the deadline itself, cutting the last backoff short.
        #expect(time.monotonicNow - started == .seconds(10))
    }

    @Test func unreachableAfterTheDeadlineIsUnavailable() async throws {
        let http = ScriptedHTTPClient(sequence: [.failure(HTTPTransportError(.couldNotConnect, "Connection refused"))])
        do {
            _ = try await client(http, deadline: .seconds(5)).send(Self.operation, to: try Self.service())
            Issue.record("expected the deadline to pass")
        } catch let error as AWSKitError {
            #expect(error.code == .serviceUnreachable)
            #expect(error.message.contains("Connection refused"))
        }
    }

    @Test func perAttemptTimeoutsNeverExceedWhatIsLeft() async throws {
        let http = ScriptedHTTPClient(sequence: [Self.ok])
        _ = try await client(http, deadline: .seconds(3)).send(Self.operation, to: try Self.service())
        #expect(http.timeouts.first == HTTPTimeouts(connect: .seconds(3), total: .seconds(3)))
    }

    @Test func accessDeniedNamesTheMissingIAMActionAndIsNotRetried() async throws {
        let http = ScriptedHTTPClient(sequence: [
            .status(403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>User: arn:aws:iam::1:user/x is not authorized</Message></Error></ErrorResponse>")
        ])
        do {
            _ = try await client(http).send(Self.operation, to: try Self.service())
            Issue.record("expected access denied")
        } catch let error as AWSKitError {
            #expect(error.code == .accessDenied)
            #expect(error.message.contains("route53:ChangeResourceRecordSets on arn:aws:route53:::hostedzone/Z1"))
            #expect(!error.message.contains("secret"))
        }
        #expect(http.requests.count == 1)
    }

    @Test func expiredTokenGetsFreshCredentialsOnce() async throws {
        let expired = ScriptedHTTPClient.Answer.status(
            403, "<ErrorResponse><Error><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error></ErrorResponse>")
        let http = ScriptedHTTPClient(sequence: [expired, Self.ok])
        _ = try await client(http).send(Self.operation, to: try Self.service())
        #expect(http.requests.count == 2)
        let twice = ScriptedHTTPClient(sequence: [expired])
        await #expect(throws: AWSKitError.self) { try await client(twice).send(Self.operation, to: try Self.service()) }
        #expect(twice.requests.count == 2)
    }

    @Test func serviceErrorsThatAreTheCallersBusinessPassThrough() async throws {
        let http = ScriptedHTTPClient(sequence: [
            .status(
                400,
                "<InvalidChangeBatch><Messages><Message>Tried to delete resource record set [name='a.example.com.', type='A', set-identifier='i-1'] but it was not found</Message></Messages></InvalidChangeBatch>"
            )
        ])
        do {
            _ = try await client(http).send(Self.operation, to: try Self.service())
            Issue.record("expected a service error")
        } catch let error as AWSServiceError {
            #expect(error.code == "InvalidChangeBatch")
            #expect(error.message.contains("not found"))
        }
    }

    @Test func malformedSuccessBodiesAreAnErrorNotACrash() async throws {
        for body in ["<ChangeInfo><Id>trunc", "<!DOCTYPE x [<!ENTITY a SYSTEM 'file:///etc/passwd'>]><x>&a;</x>"] {
            let http = ScriptedHTTPClient(sequence: [.status(200, body)])
            do {
                _ = try await client(http).send(Self.operation, to: try Self.service())
                Issue.record("expected an error for \(body)")
            } catch let error as AWSKitError {
                #expect(error.code == .unexpectedResponse)
            }
        }
    }

    @Test func debugLogsShowRequestsButNoSecrets() async throws {
        let logs = LogCapture()
        let http = ScriptedHTTPClient(sequence: [Self.ok])
        _ = try await client(
            http,
            credentials: AWSCredentials(
                accessKeyId: "AKIAEXAMPLEKEY123", secretAccessKey: "VERYSECRETKEY",
                sessionToken: "VERYSECRETTOKEN", source: "t"),
            logs: logs
        ).send(Self.operation, to: try Self.service())
        let all = logs.messages.joined(separator: "\n")
        #expect(all.contains("ChangeResourceRecordSets"))
        #expect(all.contains("HTTP 200"))
        #expect(!all.contains("VERYSECRETKEY"))
        #expect(!all.contains("VERYSECRETTOKEN"))
        let signature = http.requests.first?.headers.first { $0.name.lowercased() == "authorization" }?.value.split(separator: "=").last.map(String.init) ?? "missing"
        #expect(!all.contains(signature))
    }

    @Test func endpointsFollowTheSDKConvention() throws {
        #expect(try AWSService.route53(environment: ProcessEnvironment([:])).endpoint.description == "https://route53.amazonaws.com")
        #expect(try AWSService.route53(environment: ProcessEnvironment(["AWS_ENDPOINT_URL": "http://localhost:4566"])).endpoint.port == 4566)
        #expect(
            try AWSService.route53(
                environment: ProcessEnvironment([
                    "AWS_ENDPOINT_URL": "http://localhost:4566",
                    "AWS_ENDPOINT_URL_ROUTE_53": "http://localhost:9000",
                ])
            ).endpoint.port == 9000)
        #expect(
            try AWSService.route53(
                environment: ProcessEnvironment([
                    "AWS_ENDPOINT_URL": "http://localhost:4566",
                    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
                ])
            ).endpoint.port == nil)
        #expect(throws: AWSKitError.self) { try AWSService.route53(environment: ProcessEnvironment(["AWS_ENDPOINT_URL": "localhost"])) }
    }
}
