import TestSupport
import Testing

@testable import AWSKit

/// The last try before the deadline gets only what is left of it; when that short try times
/// out, the deadline cut it, not the service, and the failure reported is the one before
/// (throttling stays 75, never becomes "could not be reached", 69).
@Suite struct DeadlineCutTryTests {
    private static let throttled = ScriptedHTTPClient.Answer.status(
        400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>")
    private static let timedOut = ScriptedHTTPClient.Answer.failure(HTTPTransportError(.timedOut, "Operation timed out after 2 milliseconds"))

    private func send(_ http: ScriptedHTTPClient, deadline: Duration) async -> AWSKitError? {
        let time = ManualTime()
        let logs = LogCapture()
        let credentials = RefreshingCredentials.example(time: time, logger: logs.logger())
        let client = AWSClient(
            http: http, credentials: credentials, time: time, retryPolicy: RetryPolicy(random: { 0.5 }),
            deadline: Deadline(budget: deadline, time: time), logger: logs.logger())
        do {
            _ = try await client.send(
                AWSOperation(name: "ListResourceRecordSets", method: "GET", path: "/2013-04-01/hostedzone/Z1/rrset"),
                to: AWSService.route53(environment: ProcessEnvironment([:])))
            Issue.record("expected the deadline to pass")
            return nil
        } catch let error as AWSKitError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func aTryCutShortByTheDeadlineDoesNotHideTheThrottling() async {
        // Throttled four times (1.875 s of backoff at jitter 0.5), then every try times out with
        // less than 5 s of the 6 s deadline left.
        let http = ScriptedHTTPClient { _, index in index < 4 ? Self.throttled : Self.timedOut }
        let error = await send(http, deadline: .seconds(6))
        #expect(error?.code == .throttled)
        #expect(error?.message.contains("kept throttling") == true)
    }

    @Test func aServiceThatNeverAnswersIsStillUnreachable() async {
        // No throttling before: the timeouts are all there is to report.
        let error = await send(ScriptedHTTPClient { _, _ in Self.timedOut }, deadline: .seconds(3))
        #expect(error?.code == .serviceUnreachable)
    }
}
