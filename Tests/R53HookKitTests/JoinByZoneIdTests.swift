import AWSKit
import R53HookKit
import TestSupport
import Testing

/// A plain `start` with `--zone-id` and a configured address (issue 11): the set and the mark in
/// one read, and the zone read only to explain a refusal.
@Suite struct JoinByZoneIdTests {
    private static func settings(name: String = "app.example.com") -> JoinSettings {
        JoinSettings(
            target: FleetTarget(record: RecordSettings(zone: .id("ZPUBLIC"), recordName: name, address: .publicIPv4)),
            holdFile: "/nonexistent/r53hook-test-hold")
    }

    /// Joining a running set: its records are at the name, so the name is in the zone.
    @Test func joiningARunningSetSpendsTheReadTheChangeAndThePolls() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.insertOwned(DomainHarness.record("i-other", "203.0.113.8"))
        let (_, outcome) = try await harness.join.run(Self.settings())
        guard case .written = outcome else {
            Issue.record("expected a write, got \(outcome)")
            return
        }
        #expect(harness.fake.operations == ["ListResourceRecordSets", "ChangeResourceRecordSets", "GetChange"])
        #expect(harness.addressRecords().count == 2)
        #expect(harness.logs.messages.contains { $0.contains("in zone ZPUBLIC (change") })
    }

    /// The first member sees nothing at the name: [CREATE record, CREATE mark] right away, which
    /// Route 53 applies only inside the zone, so the zone is not read either.
    @Test func theFirstMemberDoesNotReadTheZone() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        _ = try await harness.join.run(Self.settings())
        #expect(harness.fake.operations == ["ListResourceRecordSets", "ChangeResourceRecordSets", "GetChange"])
        #expect(harness.fake.records(in: "ZPUBLIC").count == 2)
    }

    /// A restart over its own record: one read, no change, no zone.
    @Test func aRestartIsOneRead() async throws {
        let harness = try DomainHarness()
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7"))
        let (_, outcome) = try await harness.join.run(Self.settings())
        #expect(outcome == .unchanged)
        #expect(harness.fake.operations == ["ListResourceRecordSets"])
    }

    /// A name outside the zone is refused (78) with nothing changed: Route 53 refuses the batch,
    /// and the zone, read then, says why in its own terms.
    @Test func aNameOutsideTheZoneIsRefusedWithNothingChanged() async throws {
        let harness = try DomainHarness()
        do {
            _ = try await harness.join.run(Self.settings(name: "www.example.org"))
            Issue.record("expected a refusal")
        } catch let error as DomainError {
            #expect(error.code == .recordOutsideZone)
            #expect(error.message.contains("www.example.org") && error.message.contains("example.com"))
        }
        #expect(harness.fake.operations == ["ListResourceRecordSets", "ChangeResourceRecordSets", "GetHostedZone"])
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
    }
}
