import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// `--type A,AAAA`: both records and both marks in one batch each way (issue 13, part 1).
@Suite struct DualStackTests {
    static func dualStack(_ settings: inout JoinSettings) {
        settings.record?.recordTypes = [.a, .aaaa]
    }

    static func aaaaMark(_ id: String, _ address: String) -> FakeRoute53.Record {
        let mark = MemberMark(instanceId: id, address: address, availabilityZone: "-", joinedAt: 1_700_000_000)
        return FakeRoute53.Record(
            name: "_r53hook-aaaa.app.example.com.", type: "TXT", setIdentifier: id, weight: 0, ttl: 60, values: [mark.txtValue])
    }

    @Test func startWritesBothRecordsAndBothMarksInOneBatch() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        let (record, outcome) = try await harness.join.run(DomainHarness.join(Self.dualStack))
        guard case .written(let change, _) = outcome else {
            Issue.record("expected a write, got \(outcome)")
            return
        }
        #expect(record.type == "A")
        #expect(change.id == "C1")
        #expect(harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count == 1)
        let all = harness.fake.records(in: "ZPUBLIC")
        #expect(
            Set(all.map { "\($0.name) \($0.type)" }) == [
                "app.example.com. A", "app.example.com. AAAA", "_r53hook-a.app.example.com. TXT", "_r53hook-aaaa.app.example.com. TXT",
            ])
        #expect(all.first { $0.type == "A" }?.values == ["203.0.113.7"])
        #expect(all.first { $0.type == "AAAA" }?.values == ["2001:db8::7"])
        #expect(all.first { $0.name.hasPrefix("_r53hook-aaaa") }?.values.first?.contains("address=2001:db8::7") == true)

        // Again: nothing to change, no batch.
        let (_, again) = try await harness.join.run(DomainHarness.join(Self.dualStack))
        #expect(again == .unchanged)
        #expect(harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count == 1)
    }

    @Test func anInstanceWithoutIPv6IsRefusedBeforeAnyChange() async throws {
        var metadata = DomainHarness.metadata
        metadata["ipv6"] = nil
        let harness = try DomainHarness(metadata: metadata)
        do {
            _ = try await harness.join.run(DomainHarness.join(Self.dualStack))
            Issue.record("expected the missing IPv6 address to be refused")
        } catch let error as DomainError {
            #expect(error.code == .addressUnavailable)
            #expect(error.message.contains("ipv6"))
        }
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
        #expect(!harness.fake.operations.contains("ChangeResourceRecordSets"))
    }

    @Test func stopDeletesBothPairsInOneBatchAndDrainsTheLargerTTL() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        let id = "i-0123456789abcdef0"
        harness.insertOwned(DomainHarness.record(id, "203.0.113.7", ttl: 30))
        harness.fake.insert(
            FakeRoute53.Record(name: "app.example.com.", type: "AAAA", setIdentifier: id, weight: 10, ttl: 90, values: ["2001:db8::7"]),
            in: "ZPUBLIC")
        harness.fake.insert(Self.aaaaMark(id, "2001:db8::7"), in: "ZPUBLIC")
        harness.insertOwned(DomainHarness.record("i-other", "198.51.100.2", ttl: 30))

        var settings = DomainHarness.leave { $0.drainExtra = .seconds(5) }
        settings.target.record?.recordTypes = [.a, .aaaa]
        guard case .deleted(let first, let change?, let drained) = try await harness.leave.run(settings) else {
            Issue.record("expected a deletion")
            return
        }
        #expect(first.type == "A")
        #expect(change.id == "C1")
        #expect(drained == .seconds(95))
        #expect(harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count == 1)
        #expect(harness.fake.records(in: "ZPUBLIC").allSatisfy { $0.setIdentifier == "i-other" })
        #expect(harness.fake.records(in: "ZPUBLIC").count == 2)
    }

    @Test func aDualStackDryRunShowsTheWholeBatch() async throws {
        let harness = try DomainHarness()
        let (_, outcome) = try await harness.join.run(
            DomainHarness.join {
                Self.dualStack(&$0)
                $0.dryRun = true
            })
        guard case .planned(let plan) = outcome else {
            Issue.record("expected a plan")
            return
        }
        #expect(
            plan.changes.map { "\($0.action.rawValue) \($0.recordSet.name) \($0.recordSet.type)" } == [
                "CREATE app.example.com. A", "CREATE _r53hook-a.app.example.com. TXT",
                "CREATE app.example.com. AAAA", "CREATE _r53hook-aaaa.app.example.com. TXT",
            ])
        #expect(plan.batchXML.contains("<Type>AAAA</Type>"))
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
    }

    @Test func theRegistryCommandsRunOncePerType() {
        var target = DomainHarness.target()
        #expect(target.perRecordType == [target])
        target.record?.recordTypes = [.a, .aaaa]
        #expect(target.perRecordType.map { $0.record?.recordTypes } == [[.a], [.aaaa]])
        #expect(target.perRecordType.allSatisfy { $0.record?.recordName == "app.example.com." })
    }

    @Test func olderInstanceTypesGiveIPv6OnlyPerNetworkInterface() async throws {
        var metadata = DomainHarness.metadata
        metadata["ipv6"] = nil
        metadata["mac"] = "0e:00:00:00:00:01"
        metadata["network/interfaces/macs/0e:00:00:00:00:01/ipv6s"] = "2001:db8::99\n2001:db8::100"
        let harness = try DomainHarness(pollsUntilInSync: 1, metadata: metadata)
        _ = try await harness.join.run(DomainHarness.join(Self.dualStack))
        #expect(harness.addressRecords().first { $0.type == "AAAA" }?.values == ["2001:db8::99"])
    }

    @Test func statusListsBothSetsWithTheirTypes() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        _ = try await harness.join.run(DomainHarness.join(Self.dualStack))
        var target = DomainHarness.target()
        target.record?.recordTypes = [.a, .aaaa]
        let report = try await RecordSetStatus(route53: harness.route53, identity: harness.identity, logger: harness.logs.logger()).run(target)
        #expect(report.type == "A,AAAA")
        #expect(report.records.map(\.type) == ["A", "AAAA"])
        #expect(report.ownRecord?.type == "A")
    }
}
