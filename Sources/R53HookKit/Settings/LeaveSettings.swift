/// What leaving needs (`stop`, and the leave of `cycle`).
public struct LeaveSettings: Sendable, Equatable {
    /// The record and/or load balancer to leave.
    public var target: FleetTarget
    /// The quorum to keep, when one is configured.
    public var quorum: QuorumSettings?
    /// Seconds added to the record's TTL when draining.
    public var drainExtra: Duration
    /// Print the changes and the waits; change nothing.
    public var dryRun: Bool
    /// The limit on the command's AWS waits, named in the dry-run plan.
    public var deadline: Duration

    /// Creates leave settings with the documented defaults.
    public init(
        target: FleetTarget, quorum: QuorumSettings? = nil, drainExtra: Duration = .seconds(5), dryRun: Bool = false,
        deadline: Duration = .seconds(300)
    ) {
        self.target = target
        self.quorum = quorum
        self.drainExtra = drainExtra
        self.dryRun = dryRun
        self.deadline = deadline
    }

    /// The weighted DNS record, when DNS is used.
    public var record: RecordSettings? {
        get { target.record }
        set { target.record = newValue }
    }
    /// The load balancer, when one is used.
    public var loadBalancer: LoadBalancerTarget? {
        get { target.loadBalancer }
        set { target.loadBalancer = newValue }
    }
}
