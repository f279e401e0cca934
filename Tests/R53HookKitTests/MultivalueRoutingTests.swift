import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// `--routing multivalue` (issue 13, part 2).
@Suite struct MultivalueRoutingTests {
    static func multivalue(_ settings: inout JoinSettings) {
        settings.record?.routing = .multivalue
    }

    @Test func startWritesAMultivalueRecordWithoutWeight() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        let (record, _) = try await harness.join.run(DomainHarness.join(Self.multivalue))
        #expect(record.multiValueAnswer == true)
        #expect(record.weight == nil)
        #expect(record.routing == .multivalue)
        let stored = try #require(harness.addressRecords().first)
        #expect(stored.weight == nil)
        #expect(stored.extraXML == "<MultiValueAnswer>true</MultiValueAnswer>")
        // Read back, it is the record r53hook wrote: start again changes nothing, stop deletes it.
        #expect(try await harness.join.run(DomainHarness.join(Self.multivalue)).outcome == .unchanged)
        guard case .deleted = try await harness.leave.run(DomainHarness.leave { $0.drainExtra = .zero }) else {
            Issue.record("expected the multivalue record to be deleted")
            return
        }
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
    }

    @Test func theBatchCarriesMultiValueAnswerInSchemaOrder() throws {
        let record = ResourceRecordSet(
            name: "app.example.com", type: "A", setIdentifier: "i-1", ttl: 60, values: ["192.0.2.1"], multiValueAnswer: true)
        let xml = try Route53XML.changeBatch([RecordChange(.create, record)], comment: nil)
        #expect(xml.contains("<SetIdentifier>i-1</SetIdentifier><MultiValueAnswer>true</MultiValueAnswer><TTL>60</TTL>"))
        #expect(!xml.contains("<Weight>"))
    }

    @Test func mixingPoliciesIsRefusedBeforeRoute53WithNoChange() async throws {
        let harness = try DomainHarness()
        harness.insertOwned(DomainHarness.record("i-other", "198.51.100.2"))
        do {
            _ = try await harness.join.run(DomainHarness.join(Self.multivalue))
            Issue.record("expected the mixed policies to be refused")
        } catch let error as DomainError {
            #expect(error.code == .conflictingRecord)
            #expect(error.message.contains("one routing policy per name and type"))
            #expect(error.remedies.contains(.set(.routing, to: "weighted")))
        }
        #expect(!harness.fake.operations.contains("ChangeResourceRecordSets"))

        // And the other way round: weighted beside multivalue.
        let other = try DomainHarness()
        var sibling = DomainHarness.record("i-other", "198.51.100.2")
        sibling.weight = nil
        sibling.extraXML = "<MultiValueAnswer>true</MultiValueAnswer>"
        other.insertOwned(sibling)
        await #expect(throws: DomainError.self) { try await other.join.run(DomainHarness.join()) }
        #expect(!other.fake.operations.contains("ChangeResourceRecordSets"))
    }

    @Test func aMarkWithMultiValueAnswerIsNotOneR53hookWrote() {
        let mark = MemberMark(instanceId: "i-1", address: "192.0.2.1", availabilityZone: "-", joinedAt: 1_700_000_000)
        let record = ResourceRecordSet(
            name: "_r53hook-a.app.example.com", type: "TXT", setIdentifier: "i-1", ttl: 60, values: [mark.txtValue], multiValueAnswer: true)
        guard case .invalid(let reason) = MemberRegistry.reading(of: record) else {
            Issue.record("expected an invalid mark")
            return
        }
        #expect(reason.contains("MultiValueAnswer"))
    }
}
