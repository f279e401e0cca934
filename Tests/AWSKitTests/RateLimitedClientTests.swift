import TestSupport
import Testing

@testable import AWSKit

/// `AWSClient` with the process's `AdaptiveRateLimiter`, on a virtual clock.
@Suite struct RateLimitedClientTests {
    private static func service(_ name: String = "route53") throws -> AWSService {
        AWSService(
            displayName: name, signingName: name, iamPrefix: name, region: "us-east-1",
            endpoint: try Endpoint(parsing: "https://\(name).amazonaws.com"))
    }

    private static let operation = AWSOperation(name: "GetChange", method: "GET", path: "/2013-04-01/change/C1")
    private static let ok = ScriptedHTTPClient.Answer.status(200, "<GetChangeResponse/>")
    private static let throttled = ScriptedHTTPClient.Answer.status(
        400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>")

    private static func client(_ http: ScriptedHTTPClient, time: ManualTime, deadline: Duration = .seconds(300)) -> AWSClient {
        let logs = LogCapture()
        let credentials = RefreshingCredentials.example(time: time, logger: logs.logger())
        return AWSClient(
            http: http, credentials: credentials, time: time, retryPolicy: RetryPolicy(random: { 0.5 }),
            deadline: Deadline(budget: deadline, time: time), logger: logs.logger(),
            rateLimiter: AdaptiveRateLimiter(time: time))
    }

    @Test func aRetryAfterAThrottleAlsoWaitsForAToken() async throws {
        let time = ManualTime()
        let client = Self.client(ScriptedHTTPClient(sequence: [Self.throttled, Self.ok]), time: time)
        _ = try await client.send(Self.operation, to: try Self.service())
        // The backoff (half of 250 ms), then the token: the bucket refills at the floor of
        // 0.5/s and had 0.0625 of a token after the backoff.
        #expect(time.sleeps == [.milliseconds(125), .milliseconds(1875)])
        #expect(await client.isThrottled(by: try Self.service()))
    }

    /// A stop's INSYNC poll: its retries follow the backoff alone, not the 2 s tokens of a rate
    /// limit that other requests slowed down; the throttles still engage the limit.
    @Test func aClientThatDoesNotWaitForTheRateLimitRetriesOnTheBackoffAlone() async throws {
        let time = ManualTime()
        let client = Self.client(ScriptedHTTPClient(sequence: [Self.throttled, Self.throttled, Self.ok]), time: time)
        _ = try await client.withoutWaitingForRateLimit().send(Self.operation, to: try Self.service())
        #expect(time.sleeps == [.milliseconds(125), .milliseconds(250)])
        #expect(await client.isThrottled(by: try Self.service()))
        // The client it came from still waits.
        let sleeps = time.sleeps.count
        _ = try await client.send(Self.operation, to: try Self.service())
        #expect(time.sleeps.count > sleeps)
    }

    @Test func nothingWaitsBeforeTheFirstThrottleNorForAnotherService() async throws {
        let time = ManualTime()
        let client = Self.client(ScriptedHTTPClient(sequence: [Self.throttled, Self.ok, Self.ok, Self.ok]), time: time)
        _ = try await client.send(Self.operation, to: try Self.service("ec2"))
        let before = time.sleeps
        _ = try await client.send(Self.operation, to: try Self.service("route53"))
        _ = try await client.send(Self.operation, to: try Self.service("route53"))
        #expect(time.sleeps == before)
        #expect(!(await client.isThrottled(by: try Self.service("route53"))))
    }

    @Test func throttlingUntilTheDeadlineStillEndsAsThrottled() async throws {
        let time = ManualTime()
        let started = time.monotonicNow
        let http = ScriptedHTTPClient(sequence: [Self.throttled])
        do {
            _ = try await Self.client(http, time: time, deadline: .seconds(10)).send(Self.operation, to: try Self.service())
            Issue.record("expected the deadline to pass")
        } catch let error as AWSKitError {
            #expect(error.code == .throttled)
        }
        #expect(http.requests.count > 2)
        #expect(time.monotonicNow - started == .seconds(10))
    }
}
