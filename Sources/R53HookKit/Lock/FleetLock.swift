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
package struct FleetLock: Sendable {
    /// How long to wait for the lock.
    package enum Waiting: Sendable, Equatable {
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
    package init(
        store: LockStore, time: any TimeSource, logger: Logger,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.store = store
        self.time = time
        self.logger = logger
        self.random = random
    }

    /// Acquires the lock, runs `body` while renewing it, and releases it. When the lock is lost
    /// the body is cancelled and `LockLost` is thrown.
    package func withLock<Value: Sendable>(
        owner: String, lease: Duration, waiting: Waiting, purpose: String,
        _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let mine = LockRecord(owner: owner, token: LockRecord.randomToken(), leaseSeconds: max(1, Int(lease.seconds)))
        let held = try await acquire(mine, waiting: waiting)
        logger.info("acquired lock \(store.recordName) as \(owner); \(purpose)")
        let holder = LockHolder(store: store, time: time, logger: logger)
        // A reclaimed record holds a renewal of `mine`: renewals go on from its count.
        let value = held.values.first.flatMap(LockRecord.init(txtValue:)) ?? mine
        switch try await holder.holding(held, value: value, body: body) {
        case .finished(let result, let last):
            // Released even when the caller was cancelled (watch cancels a leave's quorum wait
            // for a spot notice): a cancelled task's calls fail at once, and the record left
            // behind would make every other leaver wait out its lease. A new task is not cancelled.
            let releasing = Task { await self.release(last, token: mine.token) }
            await releasing.value
            return try result.get()
        case .lost(let reason, let ended):
            throw LockLost(reason: reason, ended: ended.map { result in result.map { "\($0)" } })
        }
    }

    /// `withLock`, with a lost lock told in the caller's terms: `ifLost` turns `LockLost` into
    /// the error the command reports (`DomainError.Code.lockLost`, in r53hook's commands).
    /// Every other error of the body or of acquiring passes through unchanged.
    package func withLock<Value: Sendable>(
        owner: String, lease: Duration, waiting: Waiting, purpose: String,
        ifLost: (LockLost) -> DomainError,
        _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        do {
            return try await withLock(owner: owner, lease: lease, waiting: waiting, purpose: purpose, body)
        } catch let lost as LockLost {
            throw ifLost(lost)
        }
    }

    /// The lock was lost while its body ran.
    package struct LockLost: Error, Sendable {
        /// Why.
        package let reason: String
        /// How the cancelled body ended, described.
        package let ended: Result<String, any Error>?
    }

    /// Polls until the lock is ours; returns the record as written. The driver of
    /// `LockAcquisition`: it does the calls and the sleeps the machine decides, and nothing else.
    func acquire(_ mine: LockRecord, waiting: Waiting) async throws -> ResourceRecordSet {
        var machine = LockAcquisition(
            mine: mine, ownRecord: store.record(mine), recordName: store.recordName, waiting: waiting,
            started: time.monotonicNow)
        var observation = try await poll(mine)
        while true {
            let (decision, notes) = machine.next(observation, now: time.monotonicNow, jitter: random())
            for note in notes { logger.log(level: note.level, "\(note.message)") }
            switch decision {
            case .acquired(let record):
                return record
            case .giveUp(let error):
                throw error
            case .wait(let pause):
                try await time.sleep(for: pause)
                observation = try await poll(mine)
            case .takeOver(let stale):
                do {
                    observation = try await store.replace(stale, with: mine) ? .tookOver : .takeOverRefused
                } catch let error where error.isTransientFailure {
                    observation = .takeOverFailed(error)
                }
            case .reclaim(let ours):
                let renewed = (ours.values.first.flatMap(LockRecord.init(txtValue:)) ?? mine).renewed()
                do {
                    observation = try await store.replace(ours, with: renewed) ? .reclaimed(store.record(renewed)) : .takeOverRefused
                } catch let error where error.isTransientFailure {
                    observation = .takeOverFailed(error)
                }
            }
        }
    }

    /// One poll: CREATE, and when it is refused as held, read who holds the lock.
    private func poll(_ mine: LockRecord) async throws -> LockAcquisition.Observation {
        do {
            if try await store.create(mine) { return .created }
            return try await store.current().map { .held($0) } ?? .vanished
        } catch let error where error.isTransientFailure {
            return .failed(error)
        }
    }

    /// How long a release may take, counted from the end of the body and past the command's
    /// deadline too: one exact DELETE, retried on short backoffs. Left to each call's 20 s
    /// budget, a release after a deadline spent waiting for the lock kept `stop --deadline 20`
    /// running 7 s past its drain (the crash campaign's seeds 20073, 20084, 20087, 20114); a
    /// record not released in time expires after its lease, which the warning says.
    static let releaseBudget = Duration.seconds(5)

    private func release(_ last: ResourceRecordSet, token: String) async {
        let ends = time.monotonicNow + Self.releaseBudget
        let left = { max(.milliseconds(1), ends - self.time.monotonicNow) }
        do {
            // Releasing retries (short backoffs): a record left behind blocks everyone for a lease.
            if try await store.delete(last, budget: left(), urgent: true) {
                logger.info("released lock \(store.recordName)")
                return
            }
            // A renewal cancelled in flight may have been applied all the same: the record then
            // holds a newer value of ours. Delete exactly that one, never another holder's.
            if let current = try await store.current(budget: left(), urgent: true),
                current.values.first.flatMap(LockRecord.init(txtValue:))?.token == token,
                try await store.delete(current, budget: left(), urgent: true)
            {
                logger.info("released lock \(store.recordName)")
            } else {
                logger.warning("lock \(store.recordName) was no longer ours to release")
            }
        } catch {
            logger.warning("could not release lock \(store.recordName) within \(Self.releaseBudget.wholeSecondsText) (\(error)); it expires after its lease")
        }
    }
}
