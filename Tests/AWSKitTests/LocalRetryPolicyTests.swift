import TestSupport
import Testing

@testable import AWSKit

/// IMDS and the container credentials agent retry through `RetryPolicy`, like every AWS call:
/// the attempt count and the backoff come from one policy each, not from a loop's own numbers.
@Suite struct LocalRetryPolicyTests {
    @Test func imdsSleepsWhatItsPolicySaysAndTriesAsOftenAsConfigured() async throws {
        let time = ManualTime()
        let http = ScriptedHTTPClient { request, _ in request.method == "PUT" ? .status(200, "t") : .status(503) }
        var configuration = IMDSConfiguration(endpoint: try Endpoint(parsing: "http://169.254.169.254"))
        configuration.attempts = 6
        let imds = IMDSClient(configuration: configuration, http: http, time: time, logger: LogCapture().logger())
        do {
            _ = try await imds.value(at: "instance-id")
            Issue.record("expected IMDS to give up")
        } catch let error as AWSKitError {
            #expect(error.code == .metadataUnreachable)
            #expect(error.message.contains("6 tries"))
        }
        let policy = configuration.retryPolicy
        #expect(time.sleeps == (1...5).map { policy.delay(beforeRetry: $0) })
        // Doubling from 200 ms, but never more than 2 s a sleep.
        #expect(time.sleeps == [.milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600), .seconds(2)])
        #expect(http.requests.filter { $0.method == "GET" }.count == 6)
    }

    @Test func theContainerAgentIsTriedThreeTimesByItsPolicy() async throws {
        let time = ManualTime()
        let http = ScriptedHTTPClient { _, _ in .status(503) }
        let provider = ContainerCredentialProvider(
            environment: ProcessEnvironment(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/creds"]),
            http: http, time: time, files: FakeFiles([:]))
        do {
            _ = try await provider.resolve()
            Issue.record("expected the provider to give up")
        } catch let error as AWSKitError {
            #expect(error.code == .credentialsUnreachable)
            #expect(error.message.contains("3 tries"))
        }
        #expect(time.sleeps == [.milliseconds(400), .milliseconds(800)])
        #expect(time.sleeps == (1...2).map { ContainerCredentialProvider.retryPolicy.delay(beforeRetry: $0) })
        #expect(http.requests.count == 3)
    }

    @Test func aPolicyWithoutJitterSleepsTheWholeCeilingAndCountsRetries() {
        let policy = RetryPolicy.withoutJitter(baseDelay: .milliseconds(100), maximumDelay: .milliseconds(300), maximumRetries: 2)
        #expect((1...3).map { policy.delay(beforeRetry: $0) } == [.milliseconds(100), .milliseconds(200), .milliseconds(300)])
        #expect(policy.allows(retry: 2))
        #expect(!policy.allows(retry: 3))
        #expect(RetryPolicy().allows(retry: 1_000))
        #expect(!RetryPolicy(maximumRetries: 0).allows(retry: 1))
    }
}
