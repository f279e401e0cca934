import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

@Suite struct QuorumRuleTests {
    private static func fleet(_ states: [FleetMember.Health]) -> [FleetMember] {
        states.enumerated().map { FleetMember(id: "i-\($0.offset)", health: $0.element) }
    }

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let rule: QuorumRule
        let members: [FleetMember.Health]
        let leaving: String
        let required: Int
        let remaining: Int
        let allowed: Bool
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "a single member may not leave with min-healthy 1", rule: QuorumRule(minimumHealthy: 1),
            members: [.healthy], leaving: "i-0", required: 1, remaining: 0, allowed: false),
        Case(
            name: "a single member may leave with min-healthy 0", rule: QuorumRule(minimumHealthy: 0),
            members: [.healthy], leaving: "i-0", required: 0, remaining: 0, allowed: true),
        Case(
            name: "elb-quorum's 0.67 of 3 rounds up to 3", rule: QuorumRule(minimumHealthy: 1, fraction: 0.67),
            members: [.healthy, .healthy, .healthy], leaving: "i-0", required: 3, remaining: 2, allowed: false),
        Case(
            name: "0.66 of 3 rounds up to 2", rule: QuorumRule(minimumHealthy: 1, fraction: 0.66),
            members: [.healthy, .healthy, .healthy], leaving: "i-0", required: 2, remaining: 2, allowed: true),
        Case(
            name: "0.7 of 10 is 7, not 8 by float noise", rule: QuorumRule(fraction: 0.7),
            members: Array(repeating: .healthy, count: 10), leaving: "i-0", required: 7, remaining: 9, allowed: true),
        Case(
            name: "min-healthy wins over a smaller fraction", rule: QuorumRule(minimumHealthy: 4, fraction: 0.5),
            members: Array(repeating: .healthy, count: 5), leaving: "i-0", required: 4, remaining: 4, allowed: true),
        Case(
            name: "draining members are not healthy", rule: QuorumRule(minimumHealthy: 2),
            members: [.healthy, .healthy, .draining], leaving: "i-0", required: 2, remaining: 1, allowed: false),
        Case(
            name: "starting and unhealthy members do not count either", rule: QuorumRule(minimumHealthy: 1),
            members: [.healthy, .starting, .unhealthy], leaving: "i-0", required: 1, remaining: 0, allowed: false),
        Case(
            name: "an unhealthy member's leaving takes nothing away", rule: QuorumRule(minimumHealthy: 5),
            members: [.healthy, .unhealthy], leaving: "i-1", required: 5, remaining: 1, allowed: true),
        Case(
            name: "an instance that is not registered may always leave", rule: QuorumRule(minimumHealthy: 3),
            members: [.healthy, .healthy], leaving: "i-9", required: 3, remaining: 2, allowed: true),
        Case(
            name: "the fraction counts every member, healthy or not", rule: QuorumRule(fraction: 0.5),
            members: [.healthy, .healthy, .healthy, .unhealthy, .unhealthy, .draining], leaving: "i-0", required: 3, remaining: 2, allowed: false),
    ]

    @Test(arguments: cases)
    func decidesWhetherAnInstanceMayLeave(_ example: Case) {
        let verdict = example.rule.evaluate(Self.fleet(example.members), leaving: example.leaving)
        #expect(verdict.required == example.required)
        #expect(verdict.remainingHealthy == example.remaining)
        #expect(verdict.allowsLeaving == example.allowed)
    }

    @Test func verdictsSayWhatTheySee() {
        let verdict = QuorumRule(minimumHealthy: 3).evaluate(Self.fleet([.healthy, .healthy, .healthy]), leaving: "i-0")
        #expect(verdict.description == "3 of 3 members healthy; 2 would remain after leaving, 3 required")
    }
}

@Suite struct LoadBalancerStateTests {
    private func classic(_ state: String, _ description: String) -> FleetMember? {
        let xml = "<member><InstanceId>i-1</InstanceId><State>\(state)</State><ReasonCode>N/A</ReasonCode><Description>\(description)</Description></member>"
        return XMLElementBuilder.parse(xml).flatMap(ClassicLoadBalancer.member(from:))
    }

    private func target(_ state: String, _ reason: String = "") -> FleetMember? {
        let xml = "<member><Target><Id>i-1</Id><Port>80</Port></Target><TargetHealth><State>\(state)</State><Reason>\(reason)</Reason></TargetHealth></member>"
        return XMLElementBuilder.parse(xml).flatMap(TargetGroup.member(from:))
    }

    @Test func classicDeregistrationInProgressIsDrainingNotHealthy() {
        #expect(classic("InService", "N/A")?.health == .healthy)
        #expect(classic("InService", "Instance deregistration currently in progress.")?.health == .draining)
        #expect(classic("OutOfService", "Instance registration is still in progress.")?.health == .starting)
        #expect(classic("OutOfService", "Instance has failed at least the UnhealthyThreshold number of health checks consecutively.")?.health == .unhealthy)
        #expect(classic("Unknown", "A transient error occurred. Please try again later.")?.health == .starting)
    }

    @Test func targetGroupStatesMapToQuorumStates() {
        #expect(target("healthy")?.health == .healthy)
        #expect(target("initial", "Elb.RegistrationInProgress")?.health == .starting)
        #expect(target("draining", "Target.DeregistrationInProgress")?.health == .draining)
        #expect(target("unhealthy.draining")?.health == .draining)
        #expect(target("unhealthy", "Target.FailedHealthChecks")?.health == .unhealthy)
        #expect(target("unavailable")?.health == .unhealthy)
        #expect(target("unused", "Target.NotRegistered")?.detail == "unused (Target.NotRegistered)")
    }
}

@Suite struct WeightedSetMembersTests {
    @Test func weightZeroIsUnusedAndAFailingHealthCheckIsUnhealthy() async throws {
        let harness = try DomainHarness()
        harness.fake.insert(DomainHarness.record("i-a", "192.0.2.1"), in: "ZPUBLIC")
        harness.fake.insert(DomainHarness.record("i-b", "192.0.2.2", weight: 0), in: "ZPUBLIC")
        var checked = DomainHarness.record("i-c", "192.0.2.3")
        checked.healthCheckId = "hc-bad"
        harness.fake.insert(checked, in: "ZPUBLIC")
        var passing = DomainHarness.record("i-d", "192.0.2.4")
        passing.healthCheckId = "hc-good"
        harness.fake.insert(passing, in: "ZPUBLIC")
        harness.fake.setHealthCheck("hc-bad", failing: true)
        let members = try await WeightedSetMembers(route53: harness.route53)
            .members(zone: HostedZone(id: "ZPUBLIC", name: "example.com", isPrivate: false), name: "app.example.com.", type: "A")
        #expect(members.map(\.health) == [.healthy, .unused, .unhealthy, .healthy])
    }
}
