import TestSupport
import Testing

@testable import AWSKit

/// A backoff longer than the time left is cut once to leave a last try just before the
/// deadline, rather than sleeping until the deadline and giving up untried (crash campaign,
/// seed 10472); after that last try the deadline ends the call, so it never spins.
@Suite struct LastTryBeforeDeadlineTests {
    private static let throttled = ScriptedHTTPClient.Answer.status(
        400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>")
    private static let answered = ScriptedHTTPClient.Answer.status(200, "<GetHostedZoneResponse/>")

    private func send(_ http: ScriptedHTTPClient, time: ManualTime) async -> Result<String, AWSKitError> {
        let logs = LogCapture()
        let credentials = RefreshingCredentials.example(time: time, logger: logs.logger())
        let client = AWSClient(
            http: http, credentials: credentials, time: time,
            retryPolicy: .withoutJitter(baseDelay: .seconds(30), maximumDelay: .seconds(30), maximumRetries: 10),
            deadline: Deadline(budget: .seconds(20), time: time), logger: logs.logger())
        do {
            let answer = try await client.send(
                AWSOperation(name: "GetHostedZone", method: "GET", path: "/2013-04-01/hostedzone/Z1"),
                to: AWSService.route53(environment: ProcessEnvironment([:])))
            return .success(answer.name)
        } catch let error as AWSKitError {
            return .failure(error)
        } catch {
            Issue.record("unexpected \(error)")
            return .failure(AWSKitError(.invalidRequest, "unexpected"))
        }
    }

    @Test func aBackoffPastTheDeadlineLeavesOneLastTryBeforeIt() async throws {
        let time = ManualTime()
        let http = ScriptedHTTPClient { _, index in index == 0 ? Self.throttled : Self.answered }
        let result = await send(http, time: time)
        #expect(try result.get() == "GetHostedZoneResponse")
        #expect(http.requests.count == 2)
        #expect(time.sleeps == [.seconds(19)])  // 20 s left, a 30 s backoff: the try comes 1 s before the end
    }

    @Test func afterTheLastTryTheDeadlineEndsTheCall() async {
        let time = ManualTime()
        let started = time.monotonicNow
        let http = ScriptedHTTPClient { _, _ in Self.throttled }
        let result = await send(http, time: time)
        guard case .failure(let error) = result else {
            Issue.record("expected the deadline to end the call")
            return
        }
        #expect(error.code == .throttled)
        #expect(http.requests.count == 2)
        #expect(time.monotonicNow - started == .seconds(20))
    }
}
