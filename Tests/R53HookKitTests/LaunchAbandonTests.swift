import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// A spot notice that interrupts a launch answers its lifecycle action with ABANDON exactly
/// once: the ledger keeps it under the launch's target state, so neither a second abandon nor a
/// later CONTINUE (a restarted watch that joins) sends another completion.
@Suite struct LaunchAbandonTests {
    private static let hooks = """
        <DescribeLifecycleHooksResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
        <DescribeLifecycleHooksResult><LifecycleHooks><member><LifecycleHookName>warmup</LifecycleHookName>
        <LifecycleTransition>autoscaling:EC2_INSTANCE_LAUNCHING</LifecycleTransition><HeartbeatTimeout>60</HeartbeatTimeout>
        <DefaultResult>CONTINUE</DefaultResult></member></LifecycleHooks></DescribeLifecycleHooksResult>
        </DescribeLifecycleHooksResponse>
        """

    private static func body(_ request: HTTPRequest) -> String { String(decoding: request.body, as: UTF8.self) }

    private func actions(_ http: ScriptedHTTPClient, memo: MemoryMemo, logs: LogCapture) throws -> LifecycleActions {
        let time = ManualTime()
        let credentials = RefreshingCredentials(
            provider: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "s", source: "test")),
            time: time, logger: logs.logger())
        let aws = AWSClient(
            http: http, credentials: credentials, time: time, deadline: Deadline(budget: .seconds(30), time: time), logger: logs.logger())
        let client = AutoScalingClient(aws: aws, service: try AWSService.autoScaling(region: "eu-west-1", environment: ProcessEnvironment([:])))
        return LifecycleActions(
            client: { client }, group: "web", hookNames: ["warmup"], instanceId: "i-0123456789abcdef0",
            ledger: CompletionLedger(memo: memo), time: time, logger: logs.logger())
    }

    @Test func anInterruptedLaunchIsAbandonedOnceAndNeverContinuedAfter() async throws {
        let http = ScriptedHTTPClient { request, _ in
            Self.body(request).contains("Action=DescribeLifecycleHooks")
                ? .status(200, Self.hooks)
                : .status(200, "<CompleteLifecycleActionResponse><CompleteLifecycleActionResult/></CompleteLifecycleActionResponse>")
        }
        let memo = MemoryMemo()
        let logs = LogCapture()
        try await actions(http, memo: memo, logs: logs).abandonLaunch(into: "InService", because: "a spot notice")
        // The same watch again, and a restarted one (a new ledger read from the same memo).
        try await actions(http, memo: memo, logs: logs).abandonLaunch(into: "InService", because: "a spot notice")
        try await actions(http, memo: memo, logs: logs).launched(into: "InService")
        let completions = http.requests.map(Self.body).filter { $0.contains("Action=CompleteLifecycleAction") }
        #expect(completions.count == 1)
        #expect(completions.first?.contains("LifecycleActionResult=ABANDON") == true)
        #expect(completions.first?.contains("LifecycleHookName=warmup") == true)
        #expect(logs.messages.contains { $0.contains("lifecycle action warmup of web completed: ABANDON (a spot notice)") })
    }
}
