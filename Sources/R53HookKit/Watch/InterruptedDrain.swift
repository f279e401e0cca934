import AWSKit

/// How much longer to drain once a spot notice interrupted a normal leave that had already
/// deleted its record: the urgent leave then finds nothing to delete, so nothing of its own to
/// wait for, yet resolvers may still hold the address. The rest of the drain is not known (the
/// leave was cancelled somewhere in it), so it is bounded by a whole drain from now, and cut at
/// `cutAt` (EC2's time minus the margin) like every spot drain.
package struct InterruptedDrain: Sendable, Equatable {
    /// How long to wait from now.
    package var wait: Duration
    /// Whether the wait is shorter than a whole drain because of the cut (logged once).
    package var isCut: Bool

    /// The wait for a drain of `fullDrain` (the TTL plus the extra) started no later than `now`.
    package init(fullDrain: Duration, now: UnixTime, cutAt: UnixTime) {
        let untilCut = Duration.milliseconds(Int64(((cutAt.seconds - now.seconds) * 1000).rounded(.down)))
        if untilCut < fullDrain {
            wait = max(.zero, untilCut)
            isCut = true
        } else {
            wait = fullDrain
            isCut = false
        }
    }
}
