import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

@Suite struct JoinRecordSetTests {
    @Test func writesTheWeightedRecordAndWaitsUntilInSync() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 3)
        let (record, outcome) = try await harness.join.run(DomainHarness.join())
        #expect(
            record
                == ResourceRecordSet(
                    name: "app.example.com.", type: "A", setIdentifier: "i-0123456789abcdef0", weight: 10,
                    ttl: 60, values: ["203.0.113.7"]))
        // The record and its registry mark, written in one batch.
        #expect(
            harness.fake.records(in: "ZPUBLIC") == [
                DomainHarness.record("i-0123456789abcdef0", "203.0.113.7"),
                FakeRoute53.Record(
                    name: "_r53hook-a.app.example.com.", type: "TXT",
                    setIdentifier: "i-0123456789abcdef0", weight: 0, ttl: 60,
                    values: ["\"r53hook-member v=1 instance=i-0123456789abcdef0 address=203.0.113.7 az=- joined=1795000000\""]),
            ])
        #expect(harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count == 1)
        guard case .written(let change, let waited?) = outcome else {
            Issue.record("expected a waited write")
            return
        }
        #expect(change.status == .pending)
        // Three polls on start's patient schedule (InSyncPollSchedule): at 1 s, 10 s and 15 s.
        #expect(waited == .seconds(15))
        #expect(harness.fake.operations.filter { $0 == "GetChange" }.count == 3)
    }

    @Test func anIdenticalRecordCostsNoChange() async throws {
        let harness = try DomainHarness()
        harness.fake.insert(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7"), in: "ZPUBLIC")
        harness.fake.insert(DomainHarness.mark("i-0123456789abcdef0", "203.0.113.7", zone: "-"), in: "ZPUBLIC")
        let (_, outcome) = try await harness.join.run(DomainHarness.join())
        #expect(outcome == .unchanged)
        #expect(!harness.fake.operations.contains("ChangeResourceRecordSets"))
    }

    @Test func aStaleRecordAfterACrashIsRepaired() async throws {
        let harness = try DomainHarness()
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "198.51.100.1", weight: 3))
        harness.insertOwned(DomainHarness.record("i-other", "198.51.100.2"))
        _ = try await harness.join.run(DomainHarness.join())
        #expect(harness.addressRecords().contains(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7")))
        #expect(harness.addressRecords().contains(DomainHarness.record("i-other", "198.51.100.2")))
        #expect(harness.addressRecords().count == 2)
        // The mark now carries the new address; the other member's mark is untouched.
        let marks = harness.fake.records(in: "ZPUBLIC").filter { $0.type == "TXT" }
        #expect(marks.count == 2)
        #expect(marks.contains { $0.setIdentifier == "i-0123456789abcdef0" && $0.values[0].contains("address=203.0.113.7") })
        #expect(marks.contains(DomainHarness.mark("i-other", "198.51.100.2", zone: "-")))
    }

    @Test func noWaitReturnsWithoutPolling() async throws {
        let harness = try DomainHarness()
        let (_, outcome) = try await harness.join.run(DomainHarness.join { $0.waitsForSync = false })
        guard case .written(_, nil) = outcome else {
            Issue.record("expected no wait")
            return
        }
        #expect(!harness.fake.operations.contains("GetChange"))
    }

    @Test func dryRunPrintsTheBatchAndChangesNothing() async throws {
        let harness = try DomainHarness()
        let (_, outcome) = try await harness.join.run(DomainHarness.join { $0.dryRun = true })
        guard case .planned(let plan) = outcome else {
            Issue.record("expected a plan")
            return
        }
        #expect(plan.batchXML.contains("<Action>CREATE</Action>"))
        #expect(plan.batchXML.contains("<Name>_r53hook-a.app.example.com.</Name><Type>TXT</Type>"))
        #expect(plan.batchXML.contains("<Value>203.0.113.7</Value>"))
        #expect(plan.waits == [.inSync(deadline: .seconds(300))])
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
        #expect(!harness.fake.operations.contains("ChangeResourceRecordSets"))
    }

    @Test func addressDefaultsFollowTheZoneAndType() async throws {
        let privateHarness = try DomainHarness(zones: [DomainHarness.privateZone])
        let (privateRecord, _) = try await privateHarness.join.run(DomainHarness.join())
        #expect(privateRecord.values == ["10.0.0.7"])

        let ipv6Harness = try DomainHarness()
        let (ipv6Record, _) = try await ipv6Harness.join.run(DomainHarness.join { $0.record?.recordType = .aaaa })
        #expect(ipv6Record.type == "AAAA")
        #expect(ipv6Record.values == ["2001:db8::7"])

        let literal = try DomainHarness()
        let (literalRecord, _) = try await literal.join.run(
            DomainHarness.join {
                $0.record?.address = IPAddress("192.0.2.10").map(AddressSource.literal)
                $0.target.setIdentifier = "web-1"
            })
        #expect(literalRecord.values == ["192.0.2.10"])
        #expect(literalRecord.setIdentifier == "web-1")
    }

    @Test func aPublicAndPrivateZonePairNeedsAChoice() async throws {
        let harness = try DomainHarness(zones: [DomainHarness.publicZone, DomainHarness.privateZone])
        do {
            _ = try await harness.join.run(DomainHarness.join())
            Issue.record("expected an ambiguity error")
        } catch let error as DomainError {
            #expect(error.code == .hostedZoneAmbiguous)
            #expect(error.remedies.contains(.choose(.zoneVisibility)))
            #expect(error.message.contains("ZPUBLIC") && error.message.contains("ZPRIVATE"))
        }
        let (record, _) = try await harness.join.run(DomainHarness.join { $0.record?.zone = .name("example.com.", isPrivate: true) })
        #expect(record.values == ["10.0.0.7"])
        #expect(harness.addressRecords(in: "ZPRIVATE").count == 1)
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
    }

    @Test func noPublicAddressExplainsWhatToDo() async throws {
        var metadata = DomainHarness.metadata
        metadata["public-ipv4"] = nil
        let harness = try DomainHarness(metadata: metadata)
        do {
            _ = try await harness.join.run(DomainHarness.join())
            Issue.record("expected an error")
        } catch let error as DomainError {
            #expect(error.code == .addressUnavailable)
            #expect(error.remedies.contains(.set(.address, to: "local-ipv4")))
        }
    }

    @Test func refusesToOverwriteWhatItCouldNotHaveMade() async throws {
        let harness = try DomainHarness()
        var latency = DomainHarness.record("i-0123456789abcdef0", "198.51.100.1")
        latency.weight = nil
        latency.extraXML = "<Region>us-east-1</Region>"
        harness.fake.insert(latency, in: "ZPUBLIC")
        await #expect(throws: DomainError.self) { try await harness.join.run(DomainHarness.join()) }
        #expect(!harness.fake.operations.contains("ChangeResourceRecordSets"))
    }

    @Test func explainsRoute53LimitsBeforeRoute53Refuses() async throws {
        let simple = try DomainHarness()
        simple.fake.insert(FakeRoute53.Record(name: "app.example.com.", type: "A", values: ["192.0.2.1"]), in: "ZPUBLIC")
        do {
            _ = try await simple.join.run(DomainHarness.join())
            Issue.record("expected a refusal")
        } catch let error as DomainError {
            #expect(error.message.contains("simple (non-weighted) record"))
        }

        let full = try DomainHarness()
        for index in 0..<100 { full.fake.insert(DomainHarness.record("i-\(1000 + index)", "192.0.2.1"), in: "ZPUBLIC") }
        do {
            _ = try await full.join.run(DomainHarness.join())
            Issue.record("expected the 100-record limit")
        } catch let error as DomainError {
            #expect(error.message.contains("maximum of 100"))
        }
        #expect(!full.fake.operations.contains("ChangeResourceRecordSets"))
    }

    @Test func warnsWhenTheSetsTTLWillChange() async throws {
        let harness = try DomainHarness()
        harness.fake.insert(DomainHarness.record("i-other", "192.0.2.2", ttl: 300), in: "ZPUBLIC")
        _ = try await harness.join.run(DomainHarness.join())
        #expect(harness.logs.messages.contains { $0.hasPrefix("warning:") && $0.contains("TTL 300") })
    }

    @Test func aDeadlineThatPassesWhilePendingIsTemporary() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1000, deadline: .seconds(20))
        do {
            _ = try await harness.join.run(DomainHarness.join())
            Issue.record("expected the deadline")
        } catch let error as DomainError {
            #expect(error.code == .changeNotInSync)
            #expect(error.message.contains("still PENDING"))
        }
        #expect(harness.time.monotonicNow - .seconds(1000) <= .seconds(20))
    }
}
