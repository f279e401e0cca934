import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// What `watch` knows of a leave a spot notice cancels: when its DELETE was accepted and when
/// the deletion was INSYNC, so the urgent leave waits the rest of that DNS drain counted from
/// there (not a whole drain again, and not nothing when the load balancer finishes first).
@Suite struct LeaveProgressTests {
    @Test func aLeaveRecordsItsDeleteAndItsInSyncOnTheMonotonicClock() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 4)
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7", ttl: 30))
        let progress = LeaveProgress()
        let started = harness.time.monotonicNow
        let settings = DomainHarness.leave { $0.drainExtra = .seconds(5) }
        _ = try await LeaveFleet(context: harness.fleet(nil)).run(settings, strictQuorum: false, progress: progress)
        let deletion = try #require(progress.recordDeletion)
        #expect(deletion.deletedAt == started)
        #expect(deletion.change?.id == "C1")
        #expect(deletion.ttl == .seconds(30))
        // Four polls half a second apart: INSYNC 2 s after the DELETE.
        #expect(deletion.inSyncAt == started + .seconds(2))
        // The drain ran to its end: nothing of it is left.
        #expect(deletion.rest(extra: .seconds(5), now: harness.time.monotonicNow) == .zero)
    }

    @Test func aSecondLeaveThatFindsTheRecordGoneWaitsWhatIsLeftOfTheFirstOnesDrain() async throws {
        let harness = try DomainHarness()
        let settings = DomainHarness.leave { $0.drainExtra = .seconds(5) }
        // A first leave deleted the record (TTL 30) 10 s ago, INSYNC at once, then was cancelled.
        let progress = LeaveProgress()
        let record = ResourceRecordSet(name: "app.example.com.", type: "A", setIdentifier: "i-0123456789abcdef0", weight: 10, ttl: 30)
        progress.deleted(.deleted([record], change: nil), at: harness.time.monotonicNow - .seconds(10))
        let started = harness.time.monotonicNow
        let outcome = try await LeaveFleet(context: harness.fleet(nil)).run(settings, strictQuorum: false, progress: progress)
        #expect(outcome.record == .notFound)
        // 30 + 5 - 10: the rest, not a whole drain, nor nothing.
        #expect(harness.time.monotonicNow - started == .seconds(25))
        #expect(harness.logs.messages.contains { $0.contains("deleted 10 s ago by an earlier leave of this process; waiting for the rest of its drain: 25 s") })
        #expect(!harness.fake.operations.contains("ChangeResourceRecordSets"))
        // Without a record of the first leave (stop, or after a join reset it): nothing to wait.
        progress.reset()
        let again = harness.time.monotonicNow
        _ = try await LeaveFleet(context: harness.fleet(nil)).run(settings, strictQuorum: false, progress: progress)
        #expect(harness.time.monotonicNow == again)
    }

    @Test func theRestCountsFromTheInSyncNotFromNow() throws {
        let progress = LeaveProgress()
        let record = ResourceRecordSet(name: "app.example.com.", type: "A", setIdentifier: "i-1", weight: 10, ttl: 60)
        progress.deleted(.deleted([record], change: ChangeInfo(id: "C9", status: .pending)), at: .seconds(100))
        let pending = try #require(progress.recordDeletion)
        // No INSYNC seen: the rest is not known yet (it starts at the INSYNC).
        #expect(pending.rest(extra: .seconds(5), now: .seconds(103)) == nil)
        progress.inSync(at: .seconds(101))
        progress.inSync(at: .seconds(150))  // only the first counts
        let inSync = try #require(progress.recordDeletion)
        #expect(inSync.inSyncAt == .seconds(101))
        // 101 + 60 + 5 = 166: at 110, 56 s are left; past the end, nothing.
        #expect(inSync.rest(extra: .seconds(5), now: .seconds(110)) == .seconds(56))
        #expect(inSync.rest(extra: .seconds(5), now: .seconds(200)) == .zero)
    }

    @Test func recordsDeletedBySomeoneElseDrainFromTheMomentTheyWereFoundGone() throws {
        let progress = LeaveProgress()
        let record = ResourceRecordSet(name: "app.example.com.", type: "AAAA", setIdentifier: "i-1", weight: 10, ttl: 90)
        progress.deleted(.deleted([record], change: nil), at: .seconds(10))
        #expect(progress.recordDeletion?.rest(extra: .zero, now: .seconds(40)) == .seconds(60))
    }

    @Test func nothingDeletedLeavesNothingToWaitFor() {
        let progress = LeaveProgress()
        progress.deleted(.notFound, at: .seconds(1))
        progress.inSync(at: .seconds(2))
        #expect(progress.recordDeletion == nil)
    }
}
