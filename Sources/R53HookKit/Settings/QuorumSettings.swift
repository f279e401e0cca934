/// The quorum to keep when leaving, and how long and how to wait for it.
package struct QuorumSettings: Sendable, Equatable {
    /// How many members must stay healthy.
    package var rule: QuorumRule
    /// Pause between checks.
    package var interval: Duration
    /// How long to wait before `onNoQuorum` applies.
    package var timeout: Duration
    /// What `stop` does without the quorum (`cycle` always fails).
    package var onNoQuorum: NoQuorumAction
    /// The zone of the lock that makes concurrent leavers take turns: the record's zone, or
    /// with a load balancer alone a zone given without a record name; nil checks without it.
    package var lockZone: ZoneSelector?

    /// Creates quorum settings with the documented defaults.
    package init(
        rule: QuorumRule, interval: Duration = .seconds(5), timeout: Duration = .seconds(60),
        onNoQuorum: NoQuorumAction = .proceed, lockZone: ZoneSelector? = nil
    ) {
        self.rule = rule
        self.interval = interval
        self.timeout = timeout
        self.onNoQuorum = onNoQuorum
        self.lockZone = lockZone
    }
}
