import AWSKit

extension FleetContext {
    /// Waits for the rest of the DNS drain of a deletion that an earlier leave made and did not
    /// finish draining (cancelled by a spot notice or a signal): its INSYNC when that had not
    /// come yet, then what is left of the TTL and `extra` after it. A later leave finds the
    /// record gone and would otherwise wait nothing, while resolvers still hold the address.
    /// Logged once; `deletedBy` names the earlier leave for that line.
    func waitRestOfDrain(_ earlier: LeaveProgress.RecordDeletion, extra: Duration, deletedBy: String) async throws {
        var deletion = earlier
        if deletion.inSyncAt == nil {
            if let change = deletion.change {
                do {
                    try await changeWaiter.waitUntilInSync(change)
                } catch let error where error.isTransientFailure {
                    logger.warning("\(error); draining anyway")
                }
            }
            deletion.inSyncAt = time.monotonicNow
        }
        let now = time.monotonicNow
        let rest = deletion.rest(extra: extra, now: now) ?? .zero
        logger.info(
            "the record was deleted \((now - deletion.deletedAt).wholeSecondsText) ago by \(deletedBy); waiting for the rest of its drain: \(rest.wholeSecondsText) (TTL \(deletion.ttl.wholeSecondsText) + \(extra.wholeSecondsText) extra after INSYNC)"
        )
        if rest > .zero { try await time.sleep(for: rest) }
    }
}
