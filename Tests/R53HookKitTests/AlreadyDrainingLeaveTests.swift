import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// A leave that finds the instance already draining (an earlier leave was interrupted by a spot
/// notice or a signal, or `stop` ran twice) does not deregister it a second time (the load
/// balancer may refuse that, and the refusal used to end the leave with 78): it waits only for
/// the rest of the drain.
@Suite struct AlreadyDrainingLeaveTests {
    private let me = "i-0123456789abcdef0"

    @Test func aLeaveOfADrainingInstanceWaitsForTheRestWithoutDeregisteringAgain() async throws {
        let harness = try DomainHarness()
        let balancer = FakeLoadBalancer(time: harness.time, drainFor: .seconds(6))
        balancer.add(me)
        try await balancer.deregister(instanceId: me)
        harness.time.advance(by: .seconds(2))
        let settings = LeaveSettings(target: FleetTarget(loadBalancer: .classic(name: "web")), quorum: nil)
        let outcome = try await LeaveFleet(context: harness.fleet(balancer)).run(settings, strictQuorum: false)
        #expect(balancer.events == ["deregister \(me)"])
        // 4 s of the 6 s drain were left (polled every 2 s), not a whole drain again.
        #expect(outcome.loadBalancerDrained == .seconds(4))
        #expect(try await balancer.member(instanceId: me) == nil)
    }
}
