import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// `--create-first`: [CREATE record, CREATE mark] before any read; whatever Route 53 refuses
/// falls back to reading and the exact compare-and-swap, and nothing of anyone's is overwritten.
@Suite struct CreateFirstTests {
    private static func createFirst(_ configure: (inout JoinSettings) -> Void = { _ in }) -> JoinSettings {
        DomainHarness.join {
            $0.createsFirst = true
            configure(&$0)
        }
    }

    @Test func createsThePairWithoutReading() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        let (_, outcome) = try await harness.join.run(Self.createFirst())
        guard case .written = outcome else {
            Issue.record("expected a write, got \(outcome)")
            return
        }
        #expect(harness.fake.operations == ["ListHostedZonesByName", "ChangeResourceRecordSets", "GetChange"])
        #expect(harness.addressRecords() == [DomainHarness.record("i-0123456789abcdef0", "203.0.113.7")])
        #expect(harness.fake.records(in: "ZPUBLIC").count == 2)  // and its mark
    }

    @Test func aRecordWithoutTheMarkIsNeverOverwritten() async throws {
        let harness = try DomainHarness()
        let foreign = DomainHarness.record("i-0123456789abcdef0", "198.51.100.9")
        harness.fake.insert(foreign, in: "ZPUBLIC")
        do {
            _ = try await harness.join.run(Self.createFirst())
            Issue.record("expected a refusal")
        } catch let error as DomainError {
            #expect(error.code == .foreignRecord)
        }
        #expect(harness.fake.records(in: "ZPUBLIC") == [foreign])
        // The refused CREATE, then reads, and nothing else.
        #expect(harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count == 1)
        #expect(harness.fake.operations.contains("ListResourceRecordSets"))
    }

    @Test func aRestartWithTheRecordInPlaceCostsOneRefusedCreateThenNoChange() async throws {
        let harness = try DomainHarness()
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7"))
        let records = harness.fake.records(in: "ZPUBLIC")
        let (_, outcome) = try await harness.join.run(Self.createFirst())
        #expect(outcome == .unchanged)
        #expect(harness.fake.records(in: "ZPUBLIC") == records)
        #expect(harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count == 1)
    }

    @Test func aMarkLeftWithoutItsRecordIsSwappedAfterTheRefusal() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7"))
        harness.fake.remove(in: "ZPUBLIC") { $0.type == "A" }
        let (_, outcome) = try await harness.join.run(Self.createFirst())
        guard case .written = outcome else {
            Issue.record("expected a write, got \(outcome)")
            return
        }
        #expect(harness.addressRecords() == [DomainHarness.record("i-0123456789abcdef0", "203.0.113.7")])
        #expect(harness.fake.records(in: "ZPUBLIC").count == 2)
        #expect(harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count == 2)
    }

    @Test func aDryRunReadsAndChangesNothing() async throws {
        let harness = try DomainHarness()
        let (_, outcome) = try await harness.join.run(Self.createFirst { $0.dryRun = true })
        guard case .planned = outcome else {
            Issue.record("expected a plan, got \(outcome)")
            return
        }
        #expect(!harness.fake.operations.contains("ChangeResourceRecordSets"))
        #expect(harness.fake.operations.contains("ListResourceRecordSets"))
    }
}

/// With the zone given by id and the address configured, `--create-first` does not read the zone.
@Suite struct CreateFirstWithoutTheZoneTests {
    private static func settings(zone: String = "ZPUBLIC", name: String = "app.example.com") -> JoinSettings {
        var settings = JoinSettings(
            target: FleetTarget(record: RecordSettings(zone: .id(zone), recordName: name, address: .publicIPv4)),
            holdFile: "/nonexistent/r53hook-test-hold")
        settings.createsFirst = true
        return settings
    }

    @Test func theChangeIsTheFirstRequest() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        _ = try await harness.join.run(Self.settings())
        #expect(harness.fake.operations == ["ChangeResourceRecordSets", "GetChange"])
        #expect(harness.addressRecords() == [DomainHarness.record("i-0123456789abcdef0", "203.0.113.7")])
    }

    @Test func aNameOutsideTheZoneIsStillExplainedAndNothingChanges() async throws {
        let harness = try DomainHarness()
        do {
            _ = try await harness.join.run(Self.settings(name: "app.example.org"))
            Issue.record("expected a refusal")
        } catch let error as DomainError {
            #expect(error.code == .recordOutsideZone)
        }
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
    }

    @Test func anUnknownZoneIsStillExplained() async throws {
        let harness = try DomainHarness()
        do {
            _ = try await harness.join.run(Self.settings(zone: "ZNOSUCHZONE"))
            Issue.record("expected a refusal")
        } catch let error as DomainError {
            #expect(error.code == .hostedZoneNotFound)
        }
    }
}
