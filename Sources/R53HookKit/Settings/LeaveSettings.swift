/// What leaving needs (`stop`, and the leave of `cycle`).
package struct LeaveSettings: TargetedSettings, Sendable, Equatable {
    /// The record and/or load balancer to leave.
    package var target: FleetTarget
    /// The quorum to keep, when one is configured.
    package var quorum: QuorumSettings?
    /// Seconds added to the record's TTL when draining.
    package var drainExtra: Duration
    /// Print the changes and the waits; change nothing.
    package var dryRun: Bool
    /// The limit on the command's AWS waits, named in the dry-run plan.
    package var deadline: Duration

    /// Creates leave settings with the documented defaults.
    package init(
        target: FleetTarget, quorum: QuorumSettings? = nil, drainExtra: Duration = .seconds(5), dryRun: Bool = false,
        deadline: Duration = .seconds(300)
    ) {
        self.target = target
        self.quorum = quorum
        self.drainExtra = drainExtra
        self.dryRun = dryRun
        self.deadline = deadline
    }
}
