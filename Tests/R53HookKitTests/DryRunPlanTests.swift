import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// `--dry-run` returns a typed plan (the command line words it in one place) and changes nothing.
@Suite struct DryRunPlanTests {
    private let me = "i-0123456789abcdef0"

    @Test func cyclePlansTheLeaveTheBatchAndTheCommandInOrder() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.insertOwned(DomainHarness.record(me, "203.0.113.7", ttl: 10))
        let balancer = FakeLoadBalancer(time: harness.time, drainFor: .seconds(3))
        balancer.add(me)
        var target = DomainHarness.target()
        target.loadBalancer = .classic(name: "web")
        let settings = CycleSettings(
            leave: LeaveSettings(target: target, dryRun: true), join: JoinSettings(target: target, dryRun: true))
        let runner = RecordingRunner()
        let plan = try await CycleInstance(context: harness.fleet(balancer), runner: runner).plan(settings, command: ["true"])
        guard plan.steps.count == 3, case .deregister(me, _) = plan.steps[0], case .records(let records) = plan.steps[1] else {
            Issue.record("unexpected plan \(plan)")
            return
        }
        #expect(records.changes.map(\.action) == [.delete, .delete])
        #expect(plan.steps[2] == .run(command: ["true"]))
        #expect(runner.commands.isEmpty)
        #expect(balancer.events.isEmpty)
        #expect(harness.addressRecords().count == 1)
    }
}
