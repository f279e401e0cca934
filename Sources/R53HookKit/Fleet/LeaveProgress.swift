import AWSKit
import Synchronization

/// How far a leave got with its DNS record, kept for `watch`, which may cancel the leave midway
/// (a spot notice): the urgent leave that follows finds the record already gone, yet resolvers
/// may hold the address until the rest of this drain (INSYNC, then the TTL and the extra) has
/// passed, and that rest is counted from the DELETE, not started again nor skipped.
package final class LeaveProgress: Sendable {
    /// The DELETE the leave sent, and when it and its INSYNC happened (monotonic clock).
    package struct RecordDeletion: Sendable, Equatable {
        /// The deleted records (one per type).
        package var records: [ResourceRecordSet]
        /// The change to wait for (nil: someone else deleted them just before).
        package var change: ChangeInfo?
        /// When the DELETE was accepted.
        package var deletedAt: Duration
        /// When Route 53 said INSYNC (nil: not seen yet).
        package var inSyncAt: Duration?

        /// The largest TTL of the deleted records: dual-stack clients may hold either address.
        package var ttl: Duration { .seconds(records.compactMap(\.ttl).max() ?? 0) }

        /// What is left at `now` of the drain after the INSYNC (the TTL plus `extra`), never
        /// negative; nil while the INSYNC has not been seen (the rest starts when it is).
        package func rest(extra: Duration, now: Duration) -> Duration? {
            guard let inSyncAt else { return nil }
            return max(.zero, inSyncAt + ttl + extra - now)
        }
    }

    private let deletion = Mutex<RecordDeletion?>(nil)

    /// Creates an empty record: nothing deleted yet.
    package init() {}

    /// The DELETE, when the leave sent one.
    package var recordDeletion: RecordDeletion? { deletion.withLock { $0 } }

    /// Records what `LeaveRecordSet.delete` did at `time`; only an actual deletion counts.
    package func deleted(_ outcome: LeaveRecordSet.Deletion, at time: Duration) {
        guard case .deleted(let records, let change) = outcome, !records.isEmpty else { return }
        deletion.withLock { $0 = RecordDeletion(records: records, change: change, deletedAt: time, inSyncAt: change == nil ? time : nil) }
    }

    /// Forgets the deletion: the instance joined again, and a later leave drains on its own.
    package func reset() {
        deletion.withLock { $0 = nil }
    }

    /// Records that the deletion is INSYNC at `time` (the first time counts).
    package func inSync(at time: Duration) {
        deletion.withLock { deletion in
            if deletion != nil, deletion?.inSyncAt == nil { deletion?.inSyncAt = time }
        }
    }
}
