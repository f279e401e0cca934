import AWSKit
import TestSupport

@testable import R53HookKit

/// `LifecycleActions` for instance i-0123456789abcdef0 of group `web` with one launch hook,
/// `warmup`, over a scripted transport: what the lifecycle-action tests share.
enum LifecycleActionsFixture {
    /// DescribeLifecycleHooks' answer: `warmup` on launches, 60 s heartbeat, `defaultResult`.
    static func hooks(defaultResult: String) -> String {
        """
        <DescribeLifecycleHooksResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
        <DescribeLifecycleHooksResult><LifecycleHooks><member><LifecycleHookName>warmup</LifecycleHookName>
        <LifecycleTransition>autoscaling:EC2_INSTANCE_LAUNCHING</LifecycleTransition><HeartbeatTimeout>60</HeartbeatTimeout>
        <DefaultResult>\(defaultResult)</DefaultResult></member></LifecycleHooks></DescribeLifecycleHooksResult>
        </DescribeLifecycleHooksResponse>
        """
    }

    /// CompleteLifecycleAction's (empty) answer.
    static let completed = "<CompleteLifecycleActionResponse><CompleteLifecycleActionResult/></CompleteLifecycleActionResponse>"

    /// A request's form body.
    static func body(_ request: HTTPRequest) -> String { String(decoding: request.body, as: UTF8.self) }

    /// The actions, their ledger kept in `memo` (the same memo is what a restarted watch reads).
    static func actions(_ http: ScriptedHTTPClient, memo: MemoryMemo, logs: LogCapture) throws -> LifecycleActions {
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
}
