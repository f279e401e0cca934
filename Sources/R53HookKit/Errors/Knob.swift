/// A setting an operator can change to get past a failure, named by what it does rather than by
/// its flag: the same knob is `--set-identifier` for `start` and `--owner` for `lock`, and the
/// lock wait is `--wait-timeout` for `lock` but the deadline for `role` and `sweep`. Only the
/// command line knows which flag (if any) the running command has for it.
package enum Knob: String, Sendable, Equatable, Hashable, CaseIterable {
    /// The limit on the whole command's AWS work.
    case deadline
    /// How long to wait for a fleet-wide lock.
    case lockWait
    /// How long to wait for the load balancer to report the instance healthy.
    case healthyTimeout
    /// The name this instance goes by: its set identifier, its lock owner.
    case memberIdentifier
    /// The address the record points to.
    case address
    /// The hosted zone, by id.
    case zoneId
    /// Public or private, when zones of both kinds share a name.
    case zoneVisibility
    /// The record's name.
    case recordName
    /// The Route 53 health check the record carries.
    case healthCheckId
    /// The ELBv2 target group.
    case targetGroup
    /// The classic load balancer.
    case classicLoadBalancer
    /// Taking over a record that r53hook did not make.
    case adopt
    /// Allowing IMDSv1 when IMDS refuses a session token.
    case allowIMDSv1
    /// Sweeping even when more members look dead at once than the sweep allows.
    case forceSweep
    /// The largest share of members a sweep deletes at once.
    case sweepFraction
    /// Giving up at once when the lock is held.
    case noWait
    /// The hosted zone, by name.
    case zoneName
    /// Rejoining after the cycled command failed.
    case rejoinOnFailure
    /// What a leaver does without the quorum (proceed or fail).
    case onNoQuorum
    /// Checking the quorum without the fleet-wide lock.
    case noQuorumLock
    /// The record types (A, AAAA, or both).
    case recordType
    /// The routing policy of the set (weighted or multivalue).
    case routing
    /// The per-instance name template.
    case instanceName
}
