import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

@Suite struct LeaveRecordSetTests {
    @Test func deletesExactlyItsRecordThenWaitsInSyncThenDrainsTheRecordsTTL() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 4)
        let own = DomainHarness.record("i-0123456789abcdef0", "203.0.113.7", weight: 7, ttl: 30)
        let other = DomainHarness.record("i-other", "198.51.100.2", weight: 7, ttl: 30)
        harness.insertOwned(own)
        harness.insertOwned(other)
        harness.fake.insert(FakeRoute53.Record(name: "db.example.com.", type: "A", values: ["10.0.0.1"]), in: "ZPUBLIC")

        let started = harness.time.monotonicNow
        // The settings' TTL (60) must not matter: the drain uses the deleted record's own TTL.
        let outcome = try await harness.leave.run(DomainHarness.leave { $0.drainExtra = .seconds(5) })
        guard case .deleted(let deleted, let change?, let drained) = outcome else {
            Issue.record("expected a deletion")
            return
        }
        #expect(deleted.values == ["203.0.113.7"])
        #expect(change.id == "C1")
        #expect(drained == .seconds(35))
        // Its record and its mark went in one batch; the other member's pair and db stay.
        #expect(harness.fake.records(in: "ZPUBLIC").count == 3)
        #expect(!harness.fake.records(in: "ZPUBLIC").contains(own))
        #expect(!harness.fake.records(in: "ZPUBLIC").contains { $0.type == "TXT" && $0.setIdentifier == "i-0123456789abcdef0" })
        #expect(harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count == 1)
        // Four polls half a second apart, then exactly TTL + extra: nothing of r53hook's own.
        #expect(harness.time.monotonicNow - started == .milliseconds(2000) + .seconds(35))
        let messages = harness.logs.messages
        #expect(messages.contains { $0.contains("is INSYNC after 2.0 s") })
        #expect(messages.contains { $0.contains("draining for 35 s (TTL 30 s + 5 s extra)") })
        #expect(messages.filter { $0.contains("draining:") && $0.contains("left") }.count == 3)
        #expect(messages.last?.contains("drain complete") == true)
        let insync = try #require(messages.firstIndex { $0.contains("INSYNC after") })
        let drain = try #require(messages.firstIndex { $0.contains("draining for") })
        #expect(insync < drain)
    }

    @Test func nothingToDeleteIsSuccessWithoutAChangeOrADrain() async throws {
        let harness = try DomainHarness()
        harness.fake.insert(DomainHarness.record("i-other", "198.51.100.2"), in: "ZPUBLIC")
        #expect(try await harness.leave.run(DomainHarness.leave()) == .notFound)
        #expect(!harness.fake.operations.contains("ChangeResourceRecordSets"))
        #expect(harness.time.sleeps.isEmpty)
    }

    @Test func aRecordChangedUnderneathIsReadAgain() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7", ttl: 10))
        harness.fake.inject(
            "ChangeResourceRecordSets",
            [
                HTTPResponse(
                    status: 400,
                    body: Array(
                        "<InvalidChangeBatch><Messages><Message>Tried to delete resource record set [name='app.example.com.', type='A', set-identifier='i-0123456789abcdef0'] but the values provided do not match the current values</Message></Messages></InvalidChangeBatch>"
                            .utf8))
            ])
        guard case .deleted = try await harness.leave.run(DomainHarness.leave()) else {
            Issue.record("expected a deletion")
            return
        }
        // Each round reads the record and its mark, in one listing (issue 11); a stop that
        // empties the name also reads the zone's SOA, once (issue 13: the last-record warning).
        #expect(harness.fake.operations.filter { $0 == "ListResourceRecordSets" }.count == 2 + 1)
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
    }

    @Test func aSyncTimeoutStillDrainsBeforeFailing() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 10_000, deadline: .seconds(10))
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7", ttl: 20))
        do {
            _ = try await harness.leave.run(DomainHarness.leave())
            Issue.record("expected the deadline to be reported")
        } catch let error as DomainError {
            #expect(error.code == .changeNotInSync)
        }
        #expect(harness.logs.messages.contains { $0.contains("drain complete") })
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
    }

    @Test func leavesAloneRecordsItCouldNotHaveMade() async throws {
        let harness = try DomainHarness()
        var failover = DomainHarness.record("i-0123456789abcdef0", "203.0.113.7")
        failover.weight = nil
        failover.extraXML = "<Failover>PRIMARY</Failover>"
        harness.fake.insert(failover, in: "ZPUBLIC")
        await #expect(throws: DomainError.self) { try await harness.leave.run(DomainHarness.leave()) }
        #expect(harness.fake.records(in: "ZPUBLIC").count == 1)
        #expect(!harness.fake.operations.contains("ChangeResourceRecordSets"))
    }

    @Test func dryRunShowsTheExactDeleteAndTheWaits() async throws {
        let harness = try DomainHarness()
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7", weight: 9, ttl: 45))
        guard case .planned(let plan) = try await harness.leave.run(DomainHarness.leave { $0.dryRun = true }) else {
            Issue.record("expected a plan")
            return
        }
        #expect(plan.batchXML.contains("<Action>DELETE</Action>"))
        #expect(plan.batchXML.contains("<Weight>9</Weight><TTL>45</TTL>"))
        #expect(plan.batchXML.contains("<Name>_r53hook-a.app.example.com.</Name><Type>TXT</Type>"))
        #expect(plan.waits == [.inSync(deadline: .seconds(300)), .drain(ttl: .seconds(45), extra: .seconds(5))])
        #expect(harness.fake.records(in: "ZPUBLIC").count == 2)
    }
}

@Suite struct DrainTimerTests {
    @Test func sleepsExactlyTheTotalAndReportsOnTheTens() async throws {
        let time = ManualTime()
        let logs = LogCapture()
        try await DrainTimer(time: time, logger: logs.logger()).drain(ttl: .seconds(60), extra: .seconds(5))
        #expect(time.sleeps.reduce(.zero, +) == .seconds(65))
        #expect(time.sleeps.first == .seconds(5))
        #expect(
            logs.messages.filter { $0.contains("left") }.map { $0.replacingOccurrences(of: "info: draining: ", with: "") }
                == ["60 s left", "50 s left", "40 s left", "30 s left", "20 s left", "10 s left"])
    }

    @Test func aZeroDrainReturnsAtOnce() async throws {
        let time = ManualTime()
        try await DrainTimer(time: time, logger: LogCapture().logger()).drain(ttl: .zero, extra: .zero)
        #expect(time.sleeps.isEmpty)
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        return String(self[..<range.lowerBound]) + replacement + self[range.upperBound...]
    }
}

@Suite struct LeaveRecordSetErrorShapeTests {
    @Test func aStaleRefusalInTheErrorResponseShapeIsReadAgain() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7", ttl: 10))
        // Route 53 can answer a stale exact DELETE in the ErrorResponse shape too; nothing was
        // applied, so stop reads the pair again and deletes it.
        harness.fake.inject(
            "ChangeResourceRecordSets",
            [
                FakeRoute53.error(
                    400, "InvalidChangeBatch",
                    "[Tried to delete resource record set [name='app.example.com.', type='A', set-identifier='i-0123456789abcdef0'] but it was not found]")
            ])
        guard case .deleted(_, _?, let drained) = try await harness.leave.run(DomainHarness.leave()) else {
            Issue.record("expected the pair deleted on the second try")
            return
        }
        #expect(drained == .seconds(15))
        #expect(harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count == 2)
        #expect(harness.fake.records(in: "ZPUBLIC").isEmpty)
    }
}
