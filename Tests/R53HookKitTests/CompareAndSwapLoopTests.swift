import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// One read / compare-and-swap loop serves `start`, `stop` and the mark rewrites: a round that
/// lost the race (Route 53 refused the batch as stale) is read again, up to three rounds; any
/// other refusal ends it at once.
@Suite struct CompareAndSwapLoopTests {
    private static let staleCreate = "Tried to create resource record set [name='app.example.com.', type='A', set-identifier='i-0123456789abcdef0'] but it already exists"
    private static let cnameConflict =
        "RRSet of type A with DNS name app.example.com. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone example.com."

    private final class Counter: @unchecked Sendable { var rounds = 0 }

    @Test func aLostRaceIsReadAgainAndTheNextRoundsValueReturned() async throws {
        let counter = Counter()
        let value = try await CompareAndSwapLoop.run(givingUp: { _ in DomainError(.internalInconsistency, "unexpected") }) { () async throws -> Int? in
            counter.rounds += 1
            return counter.rounds < 3 ? nil : 42
        }
        #expect(value == 42)
        #expect(counter.rounds == 3)
    }

    @Test func threeLostRacesGiveUpWithTheCallersWords() async throws {
        let counter = Counter()
        do {
            _ = try await CompareAndSwapLoop.run(givingUp: { tries in DomainError(.recordKeptChanging, "busy after \(tries) tries") }) { () async throws -> Int? in
                counter.rounds += 1
                return nil
            }
            Issue.record("expected the loop to give up")
        } catch let error as DomainError {
            #expect(error.code == .recordKeptChanging)
            #expect(error.message == "busy after 3 tries")
        }
        #expect(counter.rounds == 3)
    }

    @Test func anErrorEndsTheLoopWithoutAnotherRound() async throws {
        let counter = Counter()
        await #expect(throws: DomainError.self) {
            _ = try await CompareAndSwapLoop.run(givingUp: { _ in DomainError(.recordKeptChanging, "busy") }) { () async throws -> Int? in
                counter.rounds += 1
                throw DomainError(.changeRefused, "refused")
            }
        }
        #expect(counter.rounds == 1)
    }

    private func changes(_ harness: DomainHarness) -> Int {
        harness.fake.operations.filter { $0 == "ChangeResourceRecordSets" }.count
    }

    @Test func startReadsAgainAfterAStaleRefusalAndGivesUpAfterThree() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        let stale = FakeRoute53.error(400, "InvalidChangeBatch", Self.staleCreate)
        harness.fake.inject("ChangeResourceRecordSets", [stale, stale, stale])
        do {
            _ = try await harness.join.run(DomainHarness.join())
            Issue.record("expected start to give up")
        } catch let error as DomainError {
            #expect(error.code == .recordKeptChanging)
            #expect(error.message.contains("kept changing while starting (3 tries)"))
        }
        #expect(changes(harness) == 3)
    }

    @Test func startExplainsAnyOtherRefusalAtOnce() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.fake.inject("ChangeResourceRecordSets", Array(repeating: FakeRoute53.error(400, "InvalidChangeBatch", Self.cnameConflict), count: 3))
        do {
            _ = try await harness.join.run(DomainHarness.join())
            Issue.record("expected start to refuse")
        } catch let error as DomainError {
            #expect(error.code == .changeRefused)
            #expect(error.message.contains("Route 53 refused to register"))
        }
        #expect(changes(harness) == 1)
    }

    @Test func stopReadsAgainAfterAStaleRefusalThenDeletes() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7"))
        let stale = FakeRoute53.error(
            400, "InvalidChangeBatch",
            "Tried to delete resource record set [name='app.example.com.', type='A', set-identifier='i-0123456789abcdef0'] but the values provided do not match the current values")
        harness.fake.inject("ChangeResourceRecordSets", [stale])
        let deletion = try await harness.leave.delete(DomainHarness.leave())
        guard case .deleted(_, let change) = deletion else {
            Issue.record("expected the record deleted, got \(deletion)")
            return
        }
        #expect(change != nil)
        #expect(changes(harness) == 2)
        #expect(harness.addressRecords().isEmpty)
    }

    @Test func stopExplainsAnyOtherRefusalAtOnce() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7"))
        harness.fake.inject("ChangeResourceRecordSets", Array(repeating: FakeRoute53.error(400, "InvalidChangeBatch", Self.cnameConflict), count: 3))
        await #expect(throws: DomainError.self) { _ = try await harness.leave.delete(DomainHarness.leave()) }
        #expect(changes(harness) == 1)
    }

    @Test func aMarkRewriteGivesUpAfterThreeStaleRefusals() async throws {
        let harness = try DomainHarness(pollsUntilInSync: 1)
        harness.insertOwned(DomainHarness.record("i-0123456789abcdef0", "203.0.113.7"))
        let stale = FakeRoute53.error(400, "InvalidChangeBatch", Self.staleCreate)
        harness.fake.inject("ChangeResourceRecordSets", [stale, stale, stale])
        let registry = try await MemberRegistry.of(DomainHarness.target(), route53: harness.route53)
        do {
            _ = try await registry.rewriteMark(setIdentifier: "i-0123456789abcdef0") { $0 }
            Issue.record("expected the rewrite to give up")
        } catch let error as DomainError {
            #expect(error.code == .recordKeptChanging)
            #expect(error.message.contains("kept changing (3 tries)"))
        }
        #expect(changes(harness) == 3)
    }
}

/// `FleetLock.withLock(ifLost:)`: the one place a lost lock becomes the caller's error; any
/// other error passes through untouched.
@Suite struct LockRunTests {
    private static let zone = HostedZone(id: "ZPUBLIC", name: "example.com", isPrivate: false)

    private func lock(_ harness: DomainHarness) -> FleetLock {
        FleetLock(
            store: LockStore(route53: harness.route53, time: harness.time, zone: Self.zone, lockName: "jobs"),
            time: harness.time, logger: harness.logs.logger(), random: { 0.5 })
    }

    @Test func aLostLockBecomesTheCallersError() async throws {
        let harness = try DomainHarness()
        let fake = harness.fake
        do {
            _ = try await lock(harness).withLock(
                owner: "i-me", lease: .seconds(30), waiting: .noWait, purpose: "testing",
                ifLost: { lost in DomainError(.lockLost, "mapped: \(lost.reason)") }
            ) {
                fake.remove(in: "ZPUBLIC") { $0.type == "TXT" }
                while !Task.isCancelled { await Task.yield() }
                return 0
            }
            Issue.record("expected the lock to be lost")
        } catch let error as DomainError {
            #expect(error.code == .lockLost)
            #expect(error.message.hasPrefix("mapped: its value changed or disappeared"))
        }
    }

    @Test func theBodysOwnErrorPassesThroughAndTheLockIsReleased() async throws {
        let harness = try DomainHarness()
        do {
            _ = try await lock(harness).withLock(
                owner: "i-me", lease: .seconds(30), waiting: .noWait, purpose: "testing",
                ifLost: { _ in DomainError(.internalInconsistency, "not lost") }
            ) { () async throws -> Int in
                throw DomainError(.changeRefused, "the body's own")
            }
            Issue.record("expected the body's error")
        } catch let error as DomainError {
            #expect(error.code == .changeRefused)
            #expect(error.message == "the body's own")
        }
        #expect(harness.fake.records(in: "ZPUBLIC").filter { $0.type == "TXT" }.isEmpty)
    }
}
