import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// A watch restarted after the instance went to Standby and back while no watch ran: IMDS says
/// `InService` as before and the ledger says that launch was completed, yet Auto Scaling holds a
/// new launch action. One DescribeAutoScalingInstances at start tells them apart (`Pending:Wait`
/// means an action waits); the new action is then completed once, and an old one never twice.
@Suite struct RestartedLaunchTests {
    private static func instances(_ state: String) -> String {
        """
        <DescribeAutoScalingInstancesResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
        <DescribeAutoScalingInstancesResult><AutoScalingInstances><member><InstanceId>i-0123456789abcdef0</InstanceId>
        <AutoScalingGroupName>web</AutoScalingGroupName><AvailabilityZone>eu-west-1a</AvailabilityZone>
        <LifecycleState>\(state)</LifecycleState><HealthStatus>HEALTHY</HealthStatus></member></AutoScalingInstances>
        </DescribeAutoScalingInstancesResult></DescribeAutoScalingInstancesResponse>
        """
    }

    /// A transport answering DescribeAutoScalingInstances with `state`, the rest with success.
    private static func autoScaling(state: String) -> ScriptedHTTPClient {
        ScriptedHTTPClient { request, _ in
            let body = LifecycleActionsFixture.body(request)
            if body.contains("Action=DescribeLifecycleHooks") { return .status(200, LifecycleActionsFixture.hooks(defaultResult: "ABANDON")) }
            if body.contains("Action=DescribeAutoScalingInstances") { return .status(200, Self.instances(state)) }
            return .status(200, LifecycleActionsFixture.completed)
        }
    }

    private static func calls(_ http: ScriptedHTTPClient, _ action: String) -> [String] {
        http.requests.map(LifecycleActionsFixture.body).filter { $0.contains("Action=\(action)&") || $0.hasSuffix("Action=\(action)") }
    }

    @Test func aNewLaunchWaitingInPendingWaitIsCompletedOnceAfterARestart() async throws {
        let memo = MemoryMemo()
        let logs = LogCapture()
        // The first watch completed the first launch.
        let first = Self.autoScaling(state: "InService")
        try await LifecycleActionsFixture.actions(first, memo: memo, logs: logs).launched(into: "InService")
        #expect(Self.calls(first, "CompleteLifecycleAction").count == 1)
        // Standby and back while no watch ran: Auto Scaling holds a new action.
        let second = Self.autoScaling(state: "Pending:Wait")
        let restarted = try LifecycleActionsFixture.actions(second, memo: memo, logs: logs)
        #expect(try await restarted.findNewLaunchAfterRestart(into: "InService"))
        try await restarted.launched(into: "InService")
        try await restarted.launched(into: "InService")
        #expect(Self.calls(second, "DescribeAutoScalingInstances").count == 1)
        let completions = Self.calls(second, "CompleteLifecycleAction")
        #expect(completions.count == 1)
        #expect(completions.first?.contains("LifecycleActionResult=CONTINUE") == true)
        #expect(completions.first?.contains("InstanceId=i-0123456789abcdef0") == true)
        #expect(logs.messages.contains { $0.contains("Auto Scaling says i-0123456789abcdef0 is Pending:Wait in web") })
        // Restarted once more, the answer recorded: Auto Scaling says InService, nothing is sent.
        let third = Self.autoScaling(state: "InService")
        let again = try LifecycleActionsFixture.actions(third, memo: memo, logs: logs)
        #expect(try await !again.findNewLaunchAfterRestart(into: "InService"))
        try await again.launched(into: "InService")
        #expect(Self.calls(third, "CompleteLifecycleAction").isEmpty)
        #expect(Self.calls(third, "DescribeAutoScalingInstances").count == 1)
    }

    @Test func anAnsweredLaunchStillProceedingIsNotCompletedAgain() async throws {
        let memo = MemoryMemo()
        let logs = LogCapture()
        try await LifecycleActionsFixture.actions(Self.autoScaling(state: "InService"), memo: memo, logs: logs).launched(into: "InService")
        // Restarted right after the completion: Auto Scaling is still moving it on.
        let http = Self.autoScaling(state: "Pending:Proceed")
        let restarted = try LifecycleActionsFixture.actions(http, memo: memo, logs: logs)
        #expect(try await !restarted.findNewLaunchAfterRestart(into: "InService"))
        try await restarted.launched(into: "InService")
        #expect(Self.calls(http, "CompleteLifecycleAction").isEmpty)
    }

    @Test func noRequestWithoutAnAnsweredLaunchOrOutOfService() async throws {
        let http = Self.autoScaling(state: "Pending:Wait")
        let actions = try LifecycleActionsFixture.actions(http, memo: MemoryMemo(), logs: LogCapture())
        // A first start (nothing answered yet) and a state that is no launch's: no request.
        #expect(try await !actions.findNewLaunchAfterRestart(into: "InService"))
        #expect(try await !actions.findNewLaunchAfterRestart(into: "Standby"))
        #expect(http.requests.isEmpty)
    }
}
