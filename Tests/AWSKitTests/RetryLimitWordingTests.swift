import TestSupport
import Testing

@testable import AWSKit

/// Found by scripts/crash-campaign (seed 10017): the lock's calls make one try and poll again
/// themselves, and a single PriorRequestNotComplete was logged as "kept throttling ... until the
/// 20 s deadline, over 1 try", a fraction of a second into that deadline.
@Suite struct RetryLimitWordingTests {
    private func send(_ answer: ScriptedHTTPClient.Answer) async -> AWSKitError? {
        let time = ManualTime()
        let logs = LogCapture()
        let credentials = RefreshingCredentials.example(time: time, logger: logs.logger())
        let client = AWSClient(
            http: ScriptedHTTPClient { _, _ in answer }, credentials: credentials, time: time,
            retryPolicy: RetryPolicy(maximumRetries: 0, random: { 0.5 }),
            deadline: Deadline(budget: .seconds(20), time: time), logger: logs.logger())
        do {
            _ = try await client.send(
                AWSOperation(name: "ChangeResourceRecordSets", method: "POST", path: "/2013-04-01/hostedzone/Z1/rrset"),
                to: AWSService.route53(environment: ProcessEnvironment([:])))
            Issue.record("expected the one try to fail")
            return nil
        } catch let error as AWSKitError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func aThrottledSingleTryDoesNotClaimTheDeadlinePassed() async {
        let error = await send(
            .status(400, "<ErrorResponse><Error><Code>PriorRequestNotComplete</Code><Message>still processing</Message></Error></ErrorResponse>"))
        #expect(error?.code == .throttled)
        #expect(error?.message.contains("on 1 try, as many as this call makes") == true)
        #expect(error?.message.contains("deadline") == false)
    }

    @Test func aFailedSingleTryDoesNotClaimTheDeadlinePassed() async {
        let error = await send(
            .status(500, "<ErrorResponse><Error><Code>InternalFailure</Code><Message>oops</Message></Error></ErrorResponse>"))
        #expect(error?.code == .serviceUnreachable)
        #expect(error?.message.contains("on 1 try, as many as this call makes") == true)
        #expect(error?.message.contains("deadline") == false)
    }
}
