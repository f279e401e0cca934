import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// The warning before a name empties (issue 13, part 4).
@Suite struct NegativeCachingTests {
    static let soa = FakeRoute53.Record(
        name: "example.com.", type: "SOA", ttl: 900, values: ["ns-2048.awsdns-64.net. hostmaster.example.com. 1 7200 900 1209600 86400"])

    @Test func theFigureIsTheLesserOfTheSOAsTTLAndLastField() throws {
        let record = ResourceRecordSet(name: "example.com", type: "SOA", ttl: 900, values: [Self.soa.values[0]])
        let caching = try #require(NegativeCaching(soa: record))
        #expect(caching == NegativeCaching(soaTTL: 900, minimumField: 86400))
        #expect(caching.seconds == 900)
        #expect(NegativeCaching(soaTTL: 900, minimumField: 300).seconds == 300)
        #expect(NegativeCaching(soa: ResourceRecordSet(name: "example.com", type: "SOA", ttl: 900, values: ["ns. host. 1 2 3"])) == nil)
        #expect(NegativeCaching(soa: ResourceRecordSet(name: "example.com", type: "SOA", ttl: 900, values: ["ns. host. 1 2 3 4 x"])) == nil)
        #expect(NegativeCaching(soa: ResourceRecordSet(name: "example.com", type: "NS", ttl: 900, values: ["ns."])) == nil)
    }

    @Test func stoppingTheLastMemberWarnsWithTheSOAFigure() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.fake.insert(Self.soa, in: "ZPUBLIC")
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7"))
        _ = try await harness.leave.run(DomainHarness.leave { $0.drainExtra = .zero })
        let warning = try #require(harness.logs.messages.first { $0.contains("last A record of app.example.com.") })
        #expect(warning.hasPrefix("warning"))
        #expect(warning.contains("900 s (the lesser of the zone's SOA TTL 900 and its last field 86400)"))
        #expect(warning.contains("keep one member up"))
    }

    @Test func stoppingOneOfSeveralMembersDoesNotWarn() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.fake.insert(Self.soa, in: "ZPUBLIC")
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7"))
        harness.insertOwned(DomainHarness.record("i-other", "198.51.100.2"))
        _ = try await harness.leave.run(DomainHarness.leave { $0.drainExtra = .zero })
        #expect(!harness.logs.messages.contains { $0.contains("last A record") })
    }

    @Test func theDryRunPlanCarriesTheWarning() async throws {
        let harness = try DomainHarness()
        harness.fake.insert(Self.soa, in: "ZPUBLIC")
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7"))
        guard case .planned(let plan) = try await harness.leave.delete(DomainHarness.leave { $0.dryRun = true }) else {
            Issue.record("expected a plan")
            return
        }
        #expect(plan.warnings.count == 1)
        #expect(plan.warnings.first?.contains("900 s") == true)
        #expect(harness.fake.records(in: "ZPUBLIC").count == 3)
    }

    @Test func statusShowsTheFigure() async throws {
        let harness = try DomainHarness()
        harness.fake.insert(Self.soa, in: "ZPUBLIC")
        let report = try await RecordSetStatus(route53: harness.route53, identity: harness.identity, logger: harness.logs.logger())
            .run(DomainHarness.target())
        #expect(report.negativeCaching?.seconds == 900)
    }

    @Test func aSweepThatEmptiesTheNameWarnsAndOneThatDoesNotStaysQuiet() async throws {
        let harness = try DomainHarness()
        harness.fake.insert(Self.soa, in: "ZPUBLIC")
        // Two dead members and no pair of the sweeper's own: the sweep takes the name's last records.
        for (id, address) in [("i-a", "198.51.100.1"), ("i-b", "198.51.100.2")] {
            harness.fake.insert(DomainHarness.record(id, address), in: "ZPUBLIC")
            harness.fake.insert(DomainHarness.mark(id, address, joined: 1_700_000_000), in: "ZPUBLIC")
        }
        let sweep = RegistrySweep(
            route53: harness.route53, instances: FakeInstances(["i-a": "terminated", "i-b": "terminated"]), identity: harness.identity,
            time: harness.time, logger: harness.logs.logger())
        let report = try await sweep.run(DomainHarness.target(), limits: .init(force: true), dryRun: true, waiting: .noWait)
        #expect(report.dead.count == 2)
        #expect(harness.logs.messages.contains { $0.hasPrefix("warning") && $0.contains("last A record") && $0.contains("900 s") })

        let quiet = try DomainHarness()
        for record in harness.fake.records(in: "ZPUBLIC") { quiet.fake.insert(record, in: "ZPUBLIC") }
        quiet.fake.insert(DomainHarness.record("i-c", "198.51.100.3"), in: "ZPUBLIC")
        _ = try await RegistrySweep(
            route53: quiet.route53, instances: FakeInstances(["i-a": "terminated", "i-b": "terminated", "i-c": "running"]),
            identity: quiet.identity, time: quiet.time, logger: quiet.logs.logger()
        )
        .run(DomainHarness.target(), limits: .init(force: true), dryRun: true, waiting: .noWait)
        #expect(!quiet.logs.messages.contains { $0.contains("last A record") })
    }
}
