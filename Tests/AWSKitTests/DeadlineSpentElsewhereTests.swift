import TestSupport
import Testing

@testable import AWSKit

/// Found by scripts/crash-campaign: a deadline spent before the call (seed 10047: a stop that
/// waited for an orphaned quorum lock) or an IMDS down for a moment (seed 10051) were reported as
/// an unreachable AWS (69) and as a configuration error (78); they are temporary (75) and an
/// unreachable IMDS (69).
@Suite struct DeadlineSpentElsewhereTests {
    private static let timedOut = ScriptedHTTPClient.Answer.failure(HTTPTransportError(.timedOut, "Operation timed out after 99 milliseconds"))

    @Test func theOnlyTryCutByASpentDeadlineIsTheDeadlinePassing() async {
        let time = ManualTime()
        let logs = LogCapture()
        let credentials = RefreshingCredentials.example(time: time, logger: logs.logger())
        let deadline = Deadline(budget: .seconds(20), time: time)
        // The try gets the 99 ms left and spends them: the clock passes the deadline during it.
        let http = ScriptedHTTPClient { _, _ in
            time.advance(by: .milliseconds(100))
            return Self.timedOut
        }
        time.advance(by: .milliseconds(19_901))
        let client = AWSClient(
            http: http, credentials: credentials, time: time, retryPolicy: RetryPolicy(random: { 0.5 }), deadline: deadline,
            logger: logs.logger())
        await #expect {
            _ = try await client.send(
                AWSOperation(name: "GetHostedZone", method: "GET", path: "/2013-04-01/hostedzone/Z1"),
                to: AWSService.route53(environment: ProcessEnvironment([:])))
        } throws: { error in
            (error as? AWSKitError)?.code == .deadlinePassed
        }
    }

    @Test func aTimeoutWithTimeLeftIsStillUnreachable() async {
        let time = ManualTime()
        let logs = LogCapture()
        let credentials = RefreshingCredentials.example(time: time, logger: logs.logger())
        let client = AWSClient(
            http: ScriptedHTTPClient { _, _ in Self.timedOut }, credentials: credentials, time: time,
            retryPolicy: RetryPolicy(maximumRetries: 0, random: { 0.5 }), deadline: Deadline(budget: .seconds(20), time: time),
            logger: logs.logger())
        await #expect {
            _ = try await client.send(
                AWSOperation(name: "GetHostedZone", method: "GET", path: "/2013-04-01/hostedzone/Z1"),
                to: AWSService.route53(environment: ProcessEnvironment([:])))
        } throws: { error in
            (error as? AWSKitError)?.code == .serviceUnreachable
        }
    }

    @Test(arguments: [AWSKitError.Code.metadataUnreachable, .metadataRefused, .metadataSessionRefused])
    func anIMDSFailingForNowLeavesTheRegionUnknownForNowNotMisconfigured(_ code: AWSKitError.Code) async {
        struct DownMetadata: InstanceMetadata {
            let code: AWSKitError.Code
            func value(at path: String) async throws -> String? {
                throw AWSKitError(code, "IMDS at http://127.0.0.1:1 gave no session token (Couldn't connect to server)")
            }
        }
        let resolver = RegionResolver(
            environment: ProcessEnvironment(["HOME": "/h"]), metadata: DownMetadata(code: code), files: FakeFiles([:]))
        await #expect {
            try await resolver.region()
        } throws: { error in
            (error as? AWSKitError)?.code == code && (error as? AWSKitError)?.message.contains("set AWS_REGION") == true
        }
    }

    @Test func aDisabledIMDSStillAsksForTheRegionToBeConfigured() async {
        struct DisabledMetadata: InstanceMetadata {
            func value(at path: String) async throws -> String? {
                throw AWSKitError(.metadataDisabled, "AWS_EC2_METADATA_DISABLED is true")
            }
        }
        let resolver = RegionResolver(environment: ProcessEnvironment(["HOME": "/h"]), metadata: DisabledMetadata(), files: FakeFiles([:]))
        await #expect {
            try await resolver.region()
        } throws: { error in
            (error as? AWSKitError)?.code == .noRegion
        }
    }
}
