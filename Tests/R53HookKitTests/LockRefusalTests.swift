import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// Only "already exists" means the lock is held; every other refusal of its CREATE is explained
/// at once, and every answer that makes the waiter try again makes it wait first.
@Suite struct LockRefusalTests {
    private static let zone = HostedZone(id: "ZPUBLIC", name: "example.com", isPrivate: false)
    private static let lockName = "jobs._r53hook-lock.example.com."
    /// Route 53's own words for a TXT record refused because a CNAME has the name: they contain
    /// "already exists" too.
    private static let cnameConflict =
        "RRSet of type TXT with DNS name \(lockName) is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone example.com."
    private static let alreadyExists = "Tried to create resource record set [name='\(lockName)', type='TXT'] but it already exists"

    private func lock(_ harness: DomainHarness, runner: any CommandRunner) -> RunUnderLock {
        let store = LockStore(route53: harness.route53, time: harness.time, zone: Self.zone, lockName: "jobs")
        return RunUnderLock(store: store, runner: runner, time: harness.time, logger: harness.logs.logger(), random: { 0.5 })
    }

    private func creates(_ harness: DomainHarness) -> Int {
        harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count
    }

    @Test func aCNAMEAtTheLockNameIsAConfigurationErrorAtOnce() async throws {
        let harness = try DomainHarness()
        // Plenty of refusals: code that took them for a lost race would poll through them all.
        harness.fake.inject("ChangeResourceRecordSets", Array(repeating: FakeRoute53.error(400, "InvalidChangeBatch", Self.cnameConflict), count: 200))
        let runner = RecordingRunner()
        do {
            _ = try await lock(harness, runner: runner).run(owner: "i-me", lease: .seconds(30), waiting: .upTo(nil), command: ["job"])
            Issue.record("expected a configuration error")
        } catch let error as DomainError {
            #expect(error.code == .changeRefused)
            #expect(error.message.contains(Self.lockName))
            #expect(error.message.contains("conflicting RRSet of type CNAME"))
            #expect(error.message.contains("choose another lock name"))
        }
        #expect(runner.commands.isEmpty)
        #expect(creates(harness) == 1)
        #expect(harness.time.sleeps.isEmpty)
    }

    @Test func aRefusalAsHeldWithNothingToReadIsPacedAndKeepsTheWaitTimeout() async throws {
        let harness = try DomainHarness()
        // CREATE is refused as held, but no lock record ever reads back.
        harness.fake.inject("ChangeResourceRecordSets", Array(repeating: FakeRoute53.error(400, "InvalidChangeBatch", Self.alreadyExists), count: 1000))
        let runner = RecordingRunner()
        let started = harness.time.monotonicNow
        do {
            _ = try await lock(harness, runner: runner).run(owner: "i-me", lease: .seconds(30), waiting: .upTo(.seconds(20)), command: ["job"])
            Issue.record("expected the wait timeout")
        } catch let error as DomainError {
            #expect(error.code == .lockHeld)
            #expect(error.remedies == [.raise(.lockWait)])
        }
        #expect(runner.commands.isEmpty)
        let waited = harness.time.monotonicNow - started
        #expect(waited >= .seconds(20))
        #expect(waited < .seconds(21))
        // One CREATE per poll of lease/3 (at most 5 s, exactly 5 s here with the jitter fixed at 0.5).
        #expect(creates(harness) <= 6)
        #expect(harness.logs.messages.contains { $0.contains("no lock record reads back") })
    }

    @Test func noWaitGivesUpOnASecondRefusalAsHeldWithNothingToRead() async throws {
        let harness = try DomainHarness()
        harness.fake.inject("ChangeResourceRecordSets", Array(repeating: FakeRoute53.error(400, "InvalidChangeBatch", Self.alreadyExists), count: 100))
        await #expect(throws: DomainError.self) {
            _ = try await lock(harness, runner: RecordingRunner()).run(owner: "i-me", lease: .seconds(30), waiting: .noWait, command: ["job"])
        }
        #expect(creates(harness) == 2)
        #expect(harness.time.sleeps.count == 1)
    }

    @Test func aTakeOverThatLosesTheRaceWaitsAPollBeforeTryingAgain() async throws {
        let harness = try DomainHarness()
        let time = harness.time
        let ranAt = ManualInstant()
        let store = LockStore(route53: harness.route53, time: time, zone: Self.zone, lockName: "jobs")
        // A crashed holder with a 12 s lease: polls every 4 s, take-over due at 12 s.
        _ = try await store.create(LockRecord(owner: "i-crashed", token: "t", leaseSeconds: 12))
        let refusedAsHeld = FakeRoute53.error(400, "InvalidChangeBatch", Self.alreadyExists)
        let raceLost = FakeRoute53.error(
            400, "InvalidChangeBatch",
            "Tried to delete resource record set [name='\(Self.lockName)', type='TXT'] but the values provided do not match the current values")
        // Four CREATEs refused as held (as the zone would), then the take-over loses a race.
        harness.fake.inject("ChangeResourceRecordSets", Array(repeating: refusedAsHeld, count: 4) + [raceLost])
        let started = time.monotonicNow
        _ = try await lock(harness, runner: RecordingRunner { ranAt.set(time.monotonicNow) })
            .run(owner: "i-me", lease: .seconds(30), waiting: .upTo(nil), command: ["job"])
        // The lost race costs a poll (4 s) before the next CREATE, and a whole lease (12 s)
        // of watching the value again: 12 + 4 + 12.
        let waited = (ranAt.value ?? .zero) - started
        #expect(waited == .seconds(28))
        #expect(harness.logs.messages.contains { $0.contains("another waiter took it over first") })
    }

    @Test func onlyTheExactStaleShapesCountAsALostRace() {
        func refusal(_ messages: String...) -> AWSServiceError {
            AWSServiceError(status: 400, code: "InvalidChangeBatch", message: messages.joined(separator: "; "), messages: messages)
        }
        #expect(MemberRegistry.isStale(refusal(Self.alreadyExists)))
        #expect(
            MemberRegistry.isStale(
                refusal(
                    "Tried to delete resource record set [name='a.example.com.', type='TXT'] but it was not found",
                    "Tried to delete resource record set [name='a.example.com.', type='TXT'] but the values provided do not match the current values")))
        #expect(!MemberRegistry.isStale(refusal(Self.cnameConflict)))
        #expect(!MemberRegistry.isStale(refusal(Self.alreadyExists, Self.cnameConflict)))
        #expect(!MemberRegistry.isStale(refusal("RRSet with DNS name a.example.org. is not permitted in zone example.com.")))
        #expect(!MemberRegistry.isStale(AWSServiceError(status: 400, code: "InvalidInput", message: Self.alreadyExists)))
    }
}

/// The ErrorResponse shape of InvalidChangeBatch: every message in one bracketed list.
@Suite struct Route53RefusalListTests {
    private func refusal(_ message: String) -> AWSServiceError {
        AWSServiceError(status: 400, code: "InvalidChangeBatch", message: message)
    }

    @Test func readsEachMessageOfABracketedList() {
        let created = "Tried to create resource record set [name='a.example.com.', type='TXT'] but it already exists"
        let deleted = "Tried to delete resource record set [name='b.example.com.', type='A', set-identifier='i-1'] but it was not found"
        let cname = "RRSet of type TXT with DNS name a.example.com. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone example.com."
        #expect(Route53Refusal.splitList("[\(created), \(deleted)]") == [created, deleted])
        #expect(Route53Refusal.isStale(refusal("[\(created), \(deleted)]")))
        #expect(Route53Refusal.isStale(refusal("[\(deleted)]")))
        #expect(!Route53Refusal.isStale(refusal("[\(cname)]")))
        #expect(!Route53Refusal.isStale(refusal("[\(created), \(cname)]")))
        #expect(!Route53Refusal.isStale(refusal("[\(cname), \(created)]")))
    }
}
