import AWSKit
import Logging

/// A fleet-wide lock: run something on one machine of the fleet at a time.
///
/// Acquire: CREATE the lock record. Wait: poll with jitter; never trust another machine's
/// clock: take a lock over only after seeing the same value unchanged for the holder's full
/// lease on this machine's monotonic clock, with one atomic [DELETE stale, CREATE own].
/// Hold: renew every lease/3 with [DELETE current, CREATE next]; if no renewal succeeded for 2/3
/// of the lease (before any waiter can take over) or the value is gone, terminate the command
/// and exit 75. Release: exact DELETE when the command ends.
public struct FleetLock: Sendable {
    /// How long to wait for the lock.
    public enum Waiting: Sendable, Equatable {
        /// Exit 75 at once when the lock is held.
        case noWait
        /// Wait, at most this long (nil: forever).
        case upTo(Duration?)
    }

    let store: LockStore
    private let time: any TimeSource
    private let logger: Logger
    private let random: @Sendable () -> Double

    /// Creates the lock.
    public init(store: LockStore, time: any TimeSource, logger: Logger,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.store = store
        self.time = time
        self.logger = logger
        self.random = random
    }

    /// Acquires the lock, runs `body` while renewing it, and releases it. When the lock is lost
    /// the body is cancelled and `LockLost` is thrown.
    public func withLock<Value: Sendable>(owner: String, lease: Duration, waiting: Waiting, purpose: String,
                                          _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let mine = LockRecord(owner: owner, token: LockRecord.randomToken(), leaseSeconds: max(1, Int(lease.seconds)))
        let held = try await acquire(mine, waiting: waiting)
        logger.info("acquired lock \(store.recordName) as \(owner); \(purpose)")
        let holder = LockHolder(store: store, time: time, logger: logger)
        switch try await holder.holding(held, value: mine, body: body) {
        case .finished(let result, let last):
            await release(last, token: mine.token)
            return try result.get()
        case .lost(let reason, let ended):
            throw LockLost(reason: reason, ended: ended.map { result in result.map { "\($0)" } })
        }
    }

    /// `withLock`, with a lost lock told in the caller's terms: `ifLost` turns `LockLost` into
    /// the error the command reports (always a temporary one, exit 75, in r53hook's commands).
    /// Every other error of the body or of acquiring passes through unchanged.
    public func withLock<Value: Sendable>(owner: String, lease: Duration, waiting: Waiting, purpose: String,
                                          ifLost: (LockLost) -> HookError,
                                          _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        do {
            return try await withLock(owner: owner, lease: lease, waiting: waiting, purpose: purpose, body)
        } catch let lost as LockLost {
            throw ifLost(lost)
        }
    }

    /// The lock was lost while its body ran.
    public struct LockLost: Error, Sendable {
        /// Why.
        public let reason: String
        /// How the cancelled body ended, described.
        public let ended: Result<String, any Error>?
    }

    /// Polls until the lock is ours; returns the record as written. Every path round the loop
    /// either returns, throws, or sleeps through `pace`, which keeps to --wait-timeout: no
    /// answer of Route 53's, however odd, makes it ask again at once.
    func acquire(_ mine: LockRecord, waiting: Waiting) async throws -> ResourceRecordSet {
        let started = time.monotonicNow
        let ownLease = Duration.seconds(mine.leaseSeconds)
        var observed: (value: [String], since: Duration)?
        var lastReport = started
        var failures = 0
        var vanished = 0
        while true {
            let polled: (created: Bool, current: ResourceRecordSet?)
            do {
                let created = try await store.create(mine)
                polled = (created, created ? nil : try await store.current())
                failures = 0
            } catch let error as HookError where error.kind == .temporary || error.kind == .unreachable {
                // Throttled or unreachable: ask less often, not more (up to once a lease).
                failures += 1
                if waiting == .noWait {
                    throw HookError(.temporary, "lock \(store.recordName) could not be taken (\(error.message)); not waiting (--no-wait)", underlying: error)
                }
                let pause = min(pollInterval(lease: ownLease) * (1 << min(failures, 5)), ownLease)
                logger.notice("lock \(store.recordName): \(error.message); polling again in \(Int(pause.seconds)) s")
                try await pace(pause, since: started, waiting: waiting) { limit in
                    HookError(.temporary, "lock \(store.recordName) could not be taken within \(Int(limit.seconds)) s (--wait-timeout); last: \(error.message)", underlying: error)
                }
                continue
            }
            if polled.created { return store.record(mine) }
            guard let current = polled.current else {
                // CREATE found a record but the read finds none: released in between, most
                // likely. Try again, but paced and within the limit like any other poll: an
                // endpoint that keeps answering this way must not make us spin.
                vanished += 1
                if waiting == .noWait && vanished > 1 {
                    throw HookError(.temporary, "lock \(store.recordName) is refused as held, yet no lock record reads back; not waiting (--no-wait)")
                }
                if vanished == 1 || time.monotonicNow - lastReport >= .seconds(30) {
                    lastReport = time.monotonicNow
                    logger.notice("lock \(store.recordName) was refused as held, but no lock record reads back (released meanwhile?); trying again")
                }
                try await pace(pollInterval(lease: ownLease), since: started, waiting: waiting) { limit in
                    HookError(.temporary, "lock \(store.recordName) could not be taken within \(Int(limit.seconds)) s (--wait-timeout): Route 53 refused it as held \(vanished) times, yet no lock record read back")
                }
                continue
            }
            vanished = 0
            let holder = current.values.first.flatMap(LockRecord.init(txtValue:))
            if holder?.token == mine.token { return current }  // an earlier CREATE of ours went through
            let who = holder.map { "\($0.owner) (renewal \($0.sequence))" } ?? "an unknown value \(current.values.first ?? "")"
            if waiting == .noWait {
                throw HookError(.temporary, "lock \(store.recordName) is held by \(who); not waiting (--no-wait)")
            }
            let now = time.monotonicNow
            // The holder's own lease, measured on this machine's clock, decides when it is stale.
            let staleAfter = Duration.seconds(holder?.leaseSeconds ?? mine.leaseSeconds)
            if let seen = observed, seen.value == current.values, now - seen.since >= staleAfter {
                logger.warning("lock \(store.recordName) held by \(who) has not changed for \(Int((now - seen.since).seconds)) s, a full lease: taking it over")
                do {
                    if try await store.replace(current, with: mine) { return store.record(mine) }
                    logger.notice("lock \(store.recordName): another waiter took it over first; waiting again")
                } catch let error as HookError where error.kind == .temporary || error.kind == .unreachable {
                    logger.notice("lock \(store.recordName): taking over failed (\(error.message)); polling again")
                }
                observed = nil
            } else if observed?.value != current.values {
                observed = (current.values, now)
            }
            if now - lastReport >= .seconds(30) || now == started || lastReport == started && now - started >= .seconds(5) {
                lastReport = now
                logger.info("waiting for lock \(store.recordName), held by \(who)")
            }
            try await pace(pollInterval(lease: staleAfter), since: started, waiting: waiting) { limit in
                HookError(.temporary, "lock \(store.recordName) is still held by \(who) after \(Int(limit.seconds)) s (--wait-timeout)")
            }
        }
    }

    /// Sleeps before the next poll, cut to what is left of --wait-timeout; once that has passed,
    /// throws what `givingUp` makes of the limit instead.
    private func pace(_ pause: Duration, since started: Duration, waiting: Waiting,
                      givingUp: (Duration) -> HookError) async throws {
        var pause = pause
        if case .upTo(let limit?) = waiting {
            let elapsed = time.monotonicNow - started
            if elapsed >= limit { throw givingUp(limit) }
            pause = min(pause, limit - elapsed)
        }
        try await time.sleep(for: pause)
    }

    /// A third of the lease, between 1 and 5 s, with ±50% jitter so waiters spread out: a few
    /// waiters stay well under Route 53's 5 requests/s.
    func pollInterval(lease: Duration) -> Duration {
        let base = min(max(lease.seconds / 3, 1), 5)
        return .milliseconds(Int64(base * (0.5 + random()) * 1000))
    }

    private func release(_ last: ResourceRecordSet, token: String) async {
        do {
            // Releasing retries (short backoffs): a record left behind blocks everyone for a lease.
            if try await store.delete(last, urgent: true) {
                logger.info("released lock \(store.recordName)")
                return
            }
            // A renewal cancelled in flight may have been applied all the same: the record then
            // holds a newer value of ours. Delete exactly that one, never another holder's.
            if let current = try await store.current(urgent: true),
               current.values.first.flatMap(LockRecord.init(txtValue:))?.token == token,
               try await store.delete(current, urgent: true) {
                logger.info("released lock \(store.recordName)")
            } else {
                logger.warning("lock \(store.recordName) was no longer ours to release")
            }
        } catch {
            logger.warning("could not release lock \(store.recordName) (\(error)); it expires after its lease")
        }
    }
}
