import AWSKit
import Testing

@testable import R53HookKit

/// The lock's waiting rules, on the state machine alone: sequences of observations at given
/// times, and the decisions they lead to. No Route 53, no clock.
@Suite struct LockAcquisitionTests {
    private static let name = "jobs._r53hook-lock.example.com."
    private static let mine = LockRecord(owner: "i-me", token: "mytoken", leaseSeconds: 30)
    private static let ownRecord = ResourceRecordSet(name: name, type: "TXT", ttl: 1, values: [mine.txtValue])

    private static func holder(lease: Int = 12, seq: Int = 0, token: String = "theirs") -> ResourceRecordSet {
        ResourceRecordSet(
            name: name, type: "TXT", ttl: 1,
            values: [LockRecord(owner: "i-other", token: token, leaseSeconds: lease, sequence: seq).txtValue])
    }

    private static let throttled = AWSKitError(.throttled, "Throttling: Rate exceeded")

    /// Feeds (seconds since the start, observation) pairs; returns each decision in words.
    private func run(_ waiting: FleetLock.Waiting, _ steps: [(Int, LockAcquisition.Observation)]) -> [String] {
        var machine = LockAcquisition(
            mine: Self.mine, ownRecord: Self.ownRecord, recordName: Self.name, waiting: waiting,
            started: .seconds(1000))
        return steps.map { at, observation in
            Self.describe(machine.next(observation, now: .seconds(1000 + at), jitter: 0.5).decision)
        }
    }

    private static func describe(_ decision: LockAcquisition.Decision) -> String {
        switch decision {
        case .acquired(let record): return record == ownRecord ? "acquired" : "acquired \(record.values.first ?? "")"
        case .wait(let pause): return "wait \(pause.seconds)"
        case .takeOver: return "take over"
        case .reclaim(let record): return "reclaim \(record.values.first ?? "")"
        case .giveUp(let error): return "give up \(error.code): \(error.message)" + error.remedies.map { "; " + describe($0) }.joined()
        }
    }

    /// A remedy by its knob: the flag is the command line's to choose.
    private static func describe(_ remedy: Remedy) -> String {
        switch remedy {
        case .raise(let knob): return "raise \(knob)"
        case .runWithout(let knob, _): return "without \(knob)"
        default: return "\(remedy)"
        }
    }

    @Test func aFreeLockIsAcquiredAtOnce() {
        #expect(run(.upTo(nil), [(0, .created)]) == ["acquired"])
        #expect(run(.noWait, [(0, .created)]) == ["acquired"])
    }

    @Test func anEarlierCreateOfOursThatWentThroughIsOursOnlyOnceRenewed() {
        // Our token: the record is renewed before it is trusted (it may have stood unrenewed for
        // a lease, and a waiter may be taking it over); the renewal's record is what is held.
        let ours = ResourceRecordSet(name: Self.name, type: "TXT", ttl: 1, values: [Self.mine.txtValue])
        let renewed = ResourceRecordSet(name: Self.name, type: "TXT", ttl: 1, values: [Self.mine.renewed().txtValue])
        #expect(run(.noWait, [(0, .held(ours)), (1, .reclaimed(renewed))]) == ["reclaim \(Self.mine.txtValue)", "acquired \(Self.mine.renewed().txtValue)"])
        // A waiter took it over first: ours no more, and waited for like any holder's.
        #expect(run(.upTo(nil), [(0, .held(ours)), (1, .takeOverRefused)]).last?.hasPrefix("wait") == true)
    }

    @Test func noWaitGivesUpWhenHeld() {
        let decisions = run(.noWait, [(0, .held(Self.holder()))])
        #expect(decisions == ["give up lockHeld: lock \(Self.name) is held by i-other (renewal 0); without noWait"])
    }

    @Test func aStaleHolderIsTakenOverAfterItsOwnWholeLease() {
        // Holder lease 12 s: polls a third of it (4 s) apart; the same value for 12 s is stale.
        let held = LockAcquisition.Observation.held(Self.holder())
        #expect(
            run(.upTo(nil), [(0, held), (4, held), (8, held), (12, held), (13, .tookOver)])
                == ["wait 4.0", "wait 4.0", "wait 4.0", "take over", "acquired"])
    }

    @Test func aRenewingHolderIsNeverTakenOver() {
        let steps: [(Int, LockAcquisition.Observation)] = (0..<10).map { ($0 * 4, .held(Self.holder(seq: $0))) }
        #expect(run(.upTo(nil), steps) == Array(repeating: "wait 4.0", count: 10))
    }

    @Test func aChangedValueStartsTheWatchAgain() {
        let steps: [(Int, LockAcquisition.Observation)] = [
            (0, .held(Self.holder(seq: 1))), (4, .held(Self.holder(seq: 2))),
            (12, .held(Self.holder(seq: 2))), (16, .held(Self.holder(seq: 2))),
        ]
        #expect(run(.upTo(nil), steps) == ["wait 4.0", "wait 4.0", "wait 4.0", "take over"])
    }

    @Test func aLostTakeOverWaitsAPollAndWatchesAWholeLeaseAgain() {
        let held = LockAcquisition.Observation.held(Self.holder())
        let decisions = run(.upTo(nil), [(0, held), (12, held), (12, .takeOverRefused), (16, held), (24, held), (28, held)])
        #expect(decisions == ["wait 4.0", "take over", "wait 4.0", "wait 4.0", "wait 4.0", "take over"])
    }

    @Test func aFailedTakeOverIsPacedLikeAPoll() {
        let held = LockAcquisition.Observation.held(Self.holder())
        #expect(run(.upTo(nil), [(0, held), (12, held), (13, .takeOverFailed(Self.throttled))]) == ["wait 4.0", "take over", "wait 4.0"])
    }

    @Test func anUnknownValueIsWatchedForOurOwnLease() {
        let stranger = LockAcquisition.Observation.held(ResourceRecordSet(name: Self.name, type: "TXT", ttl: 1, values: ["\"hello\""]))
        // Our lease is 30 s: polls 5 s apart (a third, at most 5), take-over after 30 s.
        let steps: [(Int, LockAcquisition.Observation)] = [(0, stranger), (25, stranger), (30, stranger)]
        #expect(run(.upTo(nil), steps) == ["wait 5.0", "wait 5.0", "take over"])
    }

    @Test func theWaitTimeoutCutsTheLastWaitAndThenGivesUp() {
        let held = LockAcquisition.Observation.held(Self.holder(seq: 0))
        let decisions = run(.upTo(.seconds(10)), [(0, held), (8, held), (10, held)])
        #expect(
            decisions == [
                "wait 4.0", "wait 2.0",
                "give up lockHeld: lock \(Self.name) is still held by i-other (renewal 0) after 10 s; raise lockWait",
            ])
    }

    @Test func failuresBackOffUpToOneLease() {
        let failed = LockAcquisition.Observation.failed(Self.throttled)
        // Own lease 30 s: a poll is 5 s, doubled per failure, never more than the lease.
        #expect(run(.upTo(nil), [(0, failed), (10, failed), (30, failed), (70, failed)]) == ["wait 10.0", "wait 20.0", "wait 30.0", "wait 30.0"])
        // A success resets the count.
        #expect(run(.upTo(nil), [(0, failed), (10, .held(Self.holder())), (14, failed)]) == ["wait 10.0", "wait 4.0", "wait 10.0"])
    }

    @Test func aFailureWithNoWaitGivesUpAtOnce() {
        let decisions = run(.noWait, [(0, .failed(Self.throttled))])
        #expect(decisions == ["give up lockHeld: lock \(Self.name) could not be taken (Throttling: Rate exceeded); without noWait"])
    }

    @Test func aRecordThatVanishesIsPacedAndNoWaitGivesUpTheSecondTime() {
        #expect(run(.upTo(nil), [(0, .vanished), (5, .vanished), (10, .created)]) == ["wait 5.0", "wait 5.0", "acquired"])
        let noWait = run(.noWait, [(0, .vanished), (5, .vanished)])
        #expect(noWait.first == "wait 5.0")
        #expect(noWait.last?.hasPrefix("give up lockHeld: lock \(Self.name) is refused as held, yet no lock record reads back") == true)
        let limited = run(.upTo(.seconds(7)), [(0, .vanished), (5, .vanished), (7, .vanished)])
        #expect(limited.prefix(2) == ["wait 5.0", "wait 2.0"])
        #expect(limited.last?.contains("refused it as held 3 times, yet no lock record read back") == true)
    }

    @Test func theWaitIsReportedAtOnceAfterFiveSecondsThenEveryHalfMinute() {
        var machine = LockAcquisition(
            mine: Self.mine, ownRecord: Self.ownRecord, recordName: Self.name, waiting: .upTo(nil),
            started: .zero)
        var reportedAt: [Int] = []
        for second in stride(from: 0, through: 80, by: 4) {
            let notes = machine.next(.held(Self.holder(seq: second)), now: .seconds(second), jitter: 0.5).notes
            if notes.contains(where: { $0.level == .info && $0.message.hasPrefix("waiting for lock") }) { reportedAt.append(second) }
        }
        #expect(reportedAt == [0, 8, 40, 72])
    }

    @Test func pollsAreAThirdOfTheLeaseBetweenOneAndFiveSecondsWithJitter() {
        #expect(LockAcquisition.pollInterval(lease: .seconds(12), jitter: 0.5) == .seconds(4))
        #expect(LockAcquisition.pollInterval(lease: .seconds(3600), jitter: 0.5) == .seconds(5))
        #expect(LockAcquisition.pollInterval(lease: .seconds(1), jitter: 0.5) == .seconds(1))
        #expect(LockAcquisition.pollInterval(lease: .seconds(12), jitter: 0) == .seconds(2))
        #expect(LockAcquisition.pollInterval(lease: .seconds(12), jitter: 0.999) < .seconds(6))
    }
}
