import AWSKit
import Logging

/// Keeps a held lock alive while a body runs, and stops the body when the lock cannot be kept.
struct LockHolder: Sendable {
    enum Result<Value: Sendable>: Sendable {
        /// The body finished (or threw); the lock's record as last written, to release.
        case finished(Swift.Result<Value, any Error>, last: ResourceRecordSet)
        /// The lock was lost; the body was cancelled, and ended like this.
        case lost(String, ended: Swift.Result<Value, any Error>?)
    }

    let store: LockStore
    let time: any TimeSource
    let logger: Logger

    func holding<Value: Sendable>(
        _ held: ResourceRecordSet, value: LockRecord,
        body: @escaping @Sendable () async throws -> Value
    ) async throws -> Result<Value> {
        let lease = Duration.seconds(value.leaseSeconds)
        let renewal = Renewal(store: store, time: time, logger: logger, lease: lease, held: held, value: value)
        return try await withThrowingTaskGroup(of: Outcome<Value>.self) { group in
            group.addTask { .body(await Swift.Result { try await body() }) }
            group.addTask { .lost(try await renewal.run()) }
            guard let first = try await group.next() else { throw DomainError(.internalInconsistency, "lock holder ended without an outcome") }
            switch first {
            case .body(let result):
                group.cancelAll()
                while (try? await group.next()) != nil {}
                return .finished(result, last: await renewal.lastWritten ?? held)
            case .lost(let reason):
                logger.error("lost lock \(store.recordName): \(reason); stopping what ran under it")
                group.cancelAll()
                var ended: Swift.Result<Value, any Error>?
                while let next = try? await group.next() {
                    if case .body(let result) = next { ended = result }
                }
                return .lost(reason, ended: ended)
            }
        }
    }

    private enum Outcome<Value: Sendable>: Sendable {
        case body(Swift.Result<Value, any Error>)
        case lost(String)
    }
}

/// The renewal loop: returns a reason only when the lock is lost; cancelled when the body ends.
actor Renewal {
    private let store: LockStore
    private let time: any TimeSource
    private let logger: Logger
    private let lease: Duration
    private var held: ResourceRecordSet
    private var value: LockRecord
    private(set) var lastWritten: ResourceRecordSet?

    init(store: LockStore, time: any TimeSource, logger: Logger, lease: Duration, held: ResourceRecordSet, value: LockRecord) {
        self.store = store
        self.time = time
        self.logger = logger
        self.lease = lease
        self.held = held
        self.value = value
        self.lastWritten = held
    }

    /// Renews at lease/3 after each success and retries failures a second apart, but declares
    /// the lock lost at exactly 2/3 of the lease after the last success, whatever the retries
    /// are doing: that leaves the last third for the command to be terminated before a waiter,
    /// counting a full lease from the last value it saw, may take over.
    func run() async throws -> String {
        var lastSuccess = time.monotonicNow
        var nextAttempt = lastSuccess + lease / 3
        let fence = lease * 2 / 3
        while true {
            let now = time.monotonicNow
            if now - lastSuccess >= fence {
                return "no renewal succeeded for \((now - lastSuccess).wholeSecondsText), 2/3 of the \(lease.wholeSecondsText) lease"
            }
            let wake = min(nextAttempt, lastSuccess + fence)
            if wake > now {
                try await time.sleep(for: wake - now)
                continue
            }
            let next = value.renewed()
            do {
                // The call may take only what is left before the fence. A waiter may see the new
                // value from the moment Route 53 applies it, which is after it was sent: so the
                // next fence counts from the sending, never from the answer.
                let sentAt = now
                if try await store.replace(held, with: next, budget: lastSuccess + fence - now, urgent: true) {
                    held = store.record(next)
                    value = next
                    lastWritten = held
                    lastSuccess = sentAt
                    nextAttempt = lastSuccess + lease / 3
                    logger.debug("renewed lock \(store.recordName) (renewal \(next.sequence))")
                } else if let current = try await store.current(budget: max(.seconds(1), lastSuccess + fence - time.monotonicNow), urgent: true),
                    current.values.first.flatMap(LockRecord.init(txtValue:)) == next
                {
                    // The renewal was applied, but its answer was lost and the resend refused:
                    // the lock is ours, with the new value.
                    held = current
                    value = next
                    lastWritten = held
                    lastSuccess = sentAt
                    nextAttempt = lastSuccess + lease / 3
                } else {
                    return "its value changed or disappeared (another holder took it over, or it was deleted by hand)"
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.warning("could not renew lock \(store.recordName): \(error)")
                nextAttempt = time.monotonicNow + .seconds(1)
            }
        }
    }
}
