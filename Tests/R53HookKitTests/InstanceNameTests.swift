import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// `--instance-name TEMPLATE` (issue 13, part 3).
@Suite struct InstanceNameTests {
    static let own = "i-0123456789abcdef0"

    static func named(_ template: String) -> (inout JoinSettings) -> Void {
        { settings in settings.record?.instanceName = try? InstanceNameTemplate(template) }
    }

    @Test func templatesExpandPlaceholdersIntoHostNames() throws {
        let template = try InstanceNameTemplate("{az}-{local-ipv4-dashed}.Internal.example.com")
        #expect(template.placeholders == [.availabilityZone, .localIPv4Dashed])
        #expect(try template.expand([.availabilityZone: "us-east-1a", .localIPv4Dashed: "10-0-0-7"]) == "us-east-1a-10-0-0-7.internal.example.com.")
        #expect(try InstanceNameTemplate("{instance-id}.app.example.com").expand([.instanceId: "i-0abc"]) == "i-0abc.app.example.com.")
    }

    @Test(arguments: [
        ("app.example.com", "no placeholder"),
        ("{instance}.app.example.com", "not a placeholder"),
        ("{instance-id.app.example.com", "not closed"),
        ("}{instance-id}.app.example.com", "no '{' before it"),
        ("{instance-id}_x.app.example.com", "characters other than"),
        ("{instance-id}..example.com", "empty label"),
        ("{instance-id}", "not a fully qualified name"),
    ])
    func badTemplatesAreRefusedWithTheReason(_ text: String, _ reason: String) {
        do {
            _ = try InstanceNameTemplate(text)
            Issue.record("expected \(text) to be refused")
        } catch {
            #expect(error.reason.contains(reason), "\(error.reason)")
        }
    }

    @Test func valuesThatWouldAddLabelsOrBreakAHostNameAreRefused() throws {
        let template = try InstanceNameTemplate("{set-identifier}.app.example.com")
        #expect(throws: InstanceNameTemplate.Problem.self) { try template.expand([.setIdentifier: "a.b"]) }
        #expect(throws: InstanceNameTemplate.Problem.self) { try template.expand([.setIdentifier: "-web"]) }
        #expect(throws: InstanceNameTemplate.Problem.self) { try template.expand([:]) }
        #expect(throws: InstanceNameTemplate.Problem.self) { try template.expand([.setIdentifier: String(repeating: "a", count: 64)]) }
    }

    @Test func startWritesTheNameInTheSameBatchAndTheMarkOwnsIt() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        _ = try await harness.join.run(DomainHarness.join(Self.named("{instance-id}.app.example.com")))
        #expect(harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count == 1)
        let name = "\(Self.own).app.example.com."
        let simple = try #require(harness.fake.records(in: "ZPUBLIC").first { $0.name == name })
        #expect(simple.setIdentifier == nil && simple.weight == nil)
        #expect(simple.values == ["203.0.113.7"])
        let mark = try #require(harness.fake.records(in: "ZPUBLIC").first { $0.type == "TXT" })
        #expect(mark.values.first?.contains("name=\(name)") == true)

        // Again: nothing to change. Then stop deletes it with the pair, in one batch.
        #expect(try await harness.join.run(DomainHarness.join(Self.named("{instance-id}.app.example.com"))).outcome == .unchanged)
        _ = try await harness.leave.run(DomainHarness.leave { $0.drainExtra = .zero })
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
        #expect(harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count == 2)
    }

    @Test func aRecordAtTheNameThatTheMarkDoesNotOwnIsRefused() async throws {
        let harness = try DomainHarness()
        let name = "\(Self.own).app.example.com."
        harness.fake.insert(FakeRoute53.Record(name: name, type: "A", values: ["192.0.2.99"]), in: "ZPUBLIC")
        do {
            _ = try await harness.join.run(DomainHarness.join(Self.named("{instance-id}.app.example.com")))
            Issue.record("expected the collision to be refused")
        } catch let error as DomainError {
            #expect(error.code == .conflictingRecord)
            #expect(error.remedies.contains(.useAnother(.instanceName)))
        }
        #expect(!harness.fake.operations.contains("ChangeResourceRecordSets"))
        #expect(harness.fake.records(in: "ZPUBLIC").count == 1)
    }

    @Test func aNewTemplateReplacesTheOldNameInOneBatch() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        _ = try await harness.join.run(DomainHarness.join(Self.named("{instance-id}.app.example.com")))
        _ = try await harness.join.run(DomainHarness.join(Self.named("web-{local-ipv4-dashed}.example.com")))
        let names = Set(harness.fake.records(in: "ZPUBLIC").map(\.name))
        #expect(names == ["app.example.com.", "_r53hook-a.app.example.com.", "web-10-0-0-7.example.com."])
        #expect(harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count == 2)
    }

    @Test func sweepDeletesTheNameWithItsMember() async throws {
        let harness = try DomainHarness()
        let mark = MemberMark(
            instanceId: "i-0dead", address: "198.51.100.9", availabilityZone: "-", joinedAt: 1_700_000_000,
            instanceName: "i-0dead.app.example.com.")
        let markRecord = ResourceRecordSet(
            name: "_r53hook-a.app.example.com", type: "TXT", setIdentifier: "i-0dead", weight: 0, ttl: 60, values: [mark.txtValue])
        let instanceRecord = ResourceRecordSet(name: "i-0dead.app.example.com", type: "A", ttl: 60, values: ["198.51.100.9"])
        let member = RegistryMember(
            setIdentifier: "i-0dead", markRecord: markRecord, mark: mark, addressRecord: nil, instanceRecord: instanceRecord)
        #expect(member.deletion == [RecordChange(.delete, markRecord), RecordChange(.delete, instanceRecord)])

        harness.fake.insert(FakeRoute53.Record(name: markRecord.name, type: "TXT", setIdentifier: "i-0dead", weight: 0, ttl: 60, values: [mark.txtValue]), in: "ZPUBLIC")
        harness.fake.insert(FakeRoute53.Record(name: instanceRecord.name, type: "A", values: ["198.51.100.9"]), in: "ZPUBLIC")
        let registry = MemberRegistry(route53: harness.route53, zone: HostedZone(id: "ZPUBLIC", name: "example.com.", isPrivate: false), recordName: "app.example.com", recordType: "A")
        let snapshot = try await registry.snapshot()
        #expect(snapshot.members.first?.instanceRecord == instanceRecord)
    }
}
