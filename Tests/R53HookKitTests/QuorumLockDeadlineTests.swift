import AWSKit
import R53HookKit
import Testing

/// Found by scripts/crash-campaign (seed 108): a leaver SIGKILLed while it held the quorum lock
/// leaves a 30 s lease behind, and the next `stop --deadline 20` waited for it up to the quorum
/// timeout plus 60 s, far past its deadline, then failed its next call with "no time left".
@Suite struct QuorumLockDeadlineTests {
    @Test func waitingForAnOrphanedQuorumLockEndsAtTheDeadline() async throws {
        let harness = try DomainHarness()
        let balancer = FakeLoadBalancer(time: harness.time, drainFor: .seconds(1))
        for id in ["i-a", "i-b", "i-c"] { balancer.add(id) }
        let zone = HostedZone(id: "ZPUBLIC", name: "example.com", isPrivate: false)
        let store = LockStore(route53: harness.route53, time: harness.time, zone: zone, lockName: "quorum-elb-web")
        _ = try await store.create(LockRecord(owner: "i-crashed", token: "t", leaseSeconds: 30))
        let settings = LeaveSettings(
            target: FleetTarget(loadBalancer: .classic(name: "web")),
            quorum: QuorumSettings(
                rule: QuorumRule(minimumHealthy: 1), timeout: .seconds(10), onNoQuorum: .fail,
                lockZone: .name("example.com.", isPrivate: nil)),
            deadline: .seconds(20))
        let started = harness.time.monotonicNow
        do {
            _ = try await LeaveFleet(context: harness.fleet(balancer, instanceId: "i-a")).run(settings, strictQuorum: false)
            Issue.record("expected the lock wait to end at the deadline")
        } catch let error as DomainError {
            #expect(error.code == .lockHeld)
        }
        let waited = harness.time.monotonicNow - started
        #expect(waited >= .seconds(15))
        #expect(waited <= .seconds(20) + .seconds(6))
        #expect(balancer.events.isEmpty)
    }
}
