import AWSKit
import Logging

/// Acquiring a `FleetLock`, as a pure state machine: it is fed what each poll of Route 53 saw
/// and the monotonic time, and answers what to do next (wait, take over, done, give up).
/// `FleetLock.acquire` is the thin driver that does the calls and the sleeps; every rule of
/// waiting lives here, so it is tested without Route 53 or a clock.
///
/// The rules: never trust another machine's clock: a holder is stale only once the same value
/// was seen unchanged for the holder's whole lease on this machine's clock; every path that
/// polls again waits first (a poll interval, longer after failures), so no answer of Route
/// 53's, however odd, makes it ask again at once; and the wait limit is kept on the one
/// monotonic clock: each wait is cut to what is left of it, and past it the machine gives up.
struct LockAcquisition: Sendable {
    /// What one step of the driver saw.
    enum Observation: Sendable {
        /// Our CREATE went through: the lock is ours.
        case created
        /// The CREATE was refused as held, and this record holds the lock.
        case held(ResourceRecordSet)
        /// The CREATE was refused as held, yet no lock record reads back (released meanwhile?).
        case vanished
        /// The poll failed: throttled or unreachable.
        case failed(any Error)
        /// The take-over the machine asked for went through.
        case tookOver
        /// The renewal of our own earlier record went through; this is the record as written.
        case reclaimed(ResourceRecordSet)
        /// The take-over lost a race: another waiter replaced the stale value first.
        case takeOverRefused
        /// The take-over failed: throttled or unreachable.
        case takeOverFailed(any Error)
    }

    /// What the driver does next.
    enum Decision: Sendable {
        /// The lock is ours; this is its record as written.
        case acquired(ResourceRecordSet)
        /// Sleep this long, then poll again (CREATE, then read when refused).
        case wait(Duration)
        /// Replace this stale record with ours in one atomic batch, then report how it went.
        case takeOver(ResourceRecordSet)
        /// This record is ours (an earlier CREATE whose answer was lost): renew it, [DELETE it,
        /// CREATE its next value], before trusting it, then report how it went.
        case reclaim(ResourceRecordSet)
        /// Stop waiting and throw this.
        case giveUp(DomainError)
    }

    /// A line the driver logs, so the machine's reasons reach the operator.
    struct Note: Sendable, Equatable {
        let level: Logger.Level
        let message: String
    }

    private let mine: LockRecord
    private let ownRecord: ResourceRecordSet
    private let recordName: String
    private let waiting: FleetLock.Waiting
    private let started: Duration
    private var observed: (value: [String], since: Duration)?
    private var lastReport: Duration
    private var failures = 0
    private var vanished = 0
    /// Who held the lock, its lease and when it was seen, while a take-over is under way.
    private var takingOver: (who: String, staleAfter: Duration, seenAt: Duration)?

    /// Starts acquiring `mine` (written as `ownRecord` into `recordName`) at `started`.
    init(mine: LockRecord, ownRecord: ResourceRecordSet, recordName: String, waiting: FleetLock.Waiting, started: Duration) {
        self.mine = mine
        self.ownRecord = ownRecord
        self.recordName = recordName
        self.waiting = waiting
        self.started = started
        self.lastReport = started
    }

    /// The next decision for what was seen at `now`; `jitter` (0 ..< 1) spreads the waiters' polls.
    mutating func next(_ observation: Observation, now: Duration, jitter: Double) -> (decision: Decision, notes: [Note]) {
        switch observation {
        case .created, .tookOver:
            return (.acquired(ownRecord), [])
        case .reclaimed(let record):
            return (.acquired(record), [])
        case .failed(let error):
            return failed(error, now: now, jitter: jitter)
        case .vanished:
            failures = 0
            return vanishedRecord(now: now, jitter: jitter)
        case .held(let current):
            failures = 0
            return held(current, now: now, jitter: jitter)
        case .takeOverRefused:
            return afterTakeOver(
                Note(level: .notice, message: "lock \(recordName): another waiter took it over first; waiting again"),
                now: now, jitter: jitter)
        case .takeOverFailed(let error):
            return afterTakeOver(
                Note(level: .notice, message: "lock \(recordName): taking over failed (\(error)); polling again"),
                now: now, jitter: jitter)
        }
    }

    /// Throttled or unreachable: ask less often, not more (up to once a lease).
    private mutating func failed(_ error: any Error, now: Duration, jitter: Double) -> (decision: Decision, notes: [Note]) {
        failures += 1
        if waiting == .noWait {
            return (
                .giveUp(
                    DomainError(
                        .lockHeld, "lock \(recordName) could not be taken (\(error))", remedies: [Self.waitForIt],
                        underlying: error)), []
            )
        }
        let ownLease = Duration.seconds(mine.leaseSeconds)
        let pause = min(Self.pollInterval(lease: ownLease, jitter: jitter) * (1 << min(failures, 5)), ownLease)
        let note = Note(level: .notice, message: "lock \(recordName): \(error); polling again in \(pause.wholeSecondsText)")
        return (
            pace(pause, now: now) { limit in
                DomainError(
                    .lockHeld, "lock \(recordName) could not be taken within \(limit.wholeSecondsText); last: \(error)",
                    remedies: [.raise(.lockWait)], underlying: error)
            }, [note]
        )
    }

    /// CREATE found a record but the read finds none: released in between, most likely. Try
    /// again, paced and within the limit like any other poll: an endpoint that keeps answering
    /// this way must not make us spin.
    private mutating func vanishedRecord(now: Duration, jitter: Double) -> (decision: Decision, notes: [Note]) {
        vanished += 1
        if waiting == .noWait && vanished > 1 {
            return (
                .giveUp(
                    DomainError(
                        .lockHeld, "lock \(recordName) is refused as held, yet no lock record reads back", remedies: [Self.waitForIt])),
                []
            )
        }
        var notes: [Note] = []
        if vanished == 1 || now - lastReport >= .seconds(30) {
            lastReport = now
            notes.append(
                Note(
                    level: .notice,
                    message: "lock \(recordName) was refused as held, but no lock record reads back (released meanwhile?); trying again"))
        }
        let count = vanished
        return (
            pace(Self.pollInterval(lease: .seconds(mine.leaseSeconds), jitter: jitter), now: now) { limit in
                DomainError(
                    .lockHeld,
                    "lock \(recordName) could not be taken within \(limit.wholeSecondsText): Route 53 refused it as held \(count) times, yet no lock record read back",
                    remedies: [.raise(.lockWait)])
            }, notes
        )
    }

    private mutating func held(_ current: ResourceRecordSet, now: Duration, jitter: Double) -> (decision: Decision, notes: [Note]) {
        vanished = 0
        let holder = current.values.first.flatMap(LockRecord.init(txtValue:))
        if holder?.token == mine.token {
            // An earlier CREATE of ours went through although its answer was lost. It may have
            // stood unrenewed for a lease already, so a waiter may be taking it over right now:
            // it is ours only once a renewal, which changes the value every waiter watches,
            // goes through (the crash campaign's seed 20281 ran two holders' commands at once).
            takingOver = ("our own earlier CREATE", .seconds(mine.leaseSeconds), now)
            let note = Note(
                level: .notice,
                message: "lock \(recordName): our earlier CREATE went through although its answer was lost; renewing it before trusting it")
            return (.reclaim(current), [note])
        }
        let who = holder.map { "\($0.owner) (renewal \($0.sequence))" } ?? "an unknown value \(current.values.first ?? "")"
        if waiting == .noWait {
            return (.giveUp(DomainError(.lockHeld, "lock \(recordName) is held by \(who)", remedies: [Self.waitForIt])), [])
        }
        // The holder's own lease, measured on this machine's clock, decides when it is stale.
        let staleAfter = Duration.seconds(holder?.leaseSeconds ?? mine.leaseSeconds)
        if let seen = observed, seen.value == current.values, now - seen.since >= staleAfter {
            takingOver = (who, staleAfter, now)
            let note = Note(
                level: .warning,
                message: "lock \(recordName) held by \(who) has not changed for \((now - seen.since).wholeSecondsText), a full lease: taking it over")
            return (.takeOver(current), [note])
        }
        if observed?.value != current.values {
            observed = (current.values, now)
        }
        return waitForHolder(who: who, staleAfter: staleAfter, seenAt: now, now: now, jitter: jitter, notes: [])
    }

    /// A take-over that did not win watches the value again from scratch.
    private mutating func afterTakeOver(_ note: Note, now: Duration, jitter: Double) -> (decision: Decision, notes: [Note]) {
        observed = nil
        guard let (who, staleAfter, seenAt) = takingOver else {
            return (
                .giveUp(DomainError(.internalInconsistency, "lock \(recordName): a take-over was reported that was never asked for")),
                [note]
            )
        }
        takingOver = nil
        return waitForHolder(who: who, staleAfter: staleAfter, seenAt: seenAt, now: now, jitter: jitter, notes: [note])
    }

    /// Reports the wait now and then (at once, after 5 s, then every 30 s) and paces the next poll.
    private mutating func waitForHolder(
        who: String, staleAfter: Duration, seenAt: Duration, now: Duration, jitter: Double,
        notes: [Note]
    ) -> (decision: Decision, notes: [Note]) {
        var notes = notes
        if seenAt - lastReport >= .seconds(30) || seenAt == started || lastReport == started && seenAt - started >= .seconds(5) {
            lastReport = seenAt
            notes.append(Note(level: .info, message: "waiting for lock \(recordName), held by \(who)"))
        }
        return (
            pace(Self.pollInterval(lease: staleAfter, jitter: jitter), now: now) { limit in
                DomainError(
                    .lockHeld, "lock \(recordName) is still held by \(who) after \(limit.wholeSecondsText)", remedies: [.raise(.lockWait)])
            }, notes
        )
    }

    /// Waits before the next poll, cut to what is left of the wait limit; once that has passed,
    /// gives up with what `givingUp` makes of the limit instead.
    private func pace(_ pause: Duration, now: Duration, givingUp: (Duration) -> DomainError) -> Decision {
        guard case .upTo(let limit?) = waiting else { return .wait(pause) }
        let elapsed = now - started
        if elapsed >= limit { return .giveUp(givingUp(limit)) }
        return .wait(min(pause, limit - elapsed))
    }

    /// What gets past a held lock when the machine was told not to wait.
    private static let waitForIt = Remedy.runWithout(.noWait, purpose: "to wait for the lock")

    /// A third of the lease, between 1 and 5 s, with ±50% jitter so waiters spread out: a few
    /// waiters stay well under Route 53's 5 requests/s.
    static func pollInterval(lease: Duration, jitter: Double) -> Duration {
        let base = min(max(lease.seconds / 3, 1), 5)
        return .milliseconds(Int64(base * (0.5 + jitter) * 1000))
    }
}
