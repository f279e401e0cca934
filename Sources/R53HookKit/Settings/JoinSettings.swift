/// What joining needs (`start`, and the rejoin of `cycle`).
public struct JoinSettings: Sendable, Equatable {
    /// The record and/or load balancer to join.
    public var target: FleetTarget
    /// While this file exists, joining is held back.
    public var holdFile: String
    /// How long to wait for the load balancer to report the instance healthy.
    public var healthyTimeout: Duration
    /// Whether to wait until the change is INSYNC and the instance healthy.
    public var waitsForSync: Bool
    /// Take over this instance's address record although it lacks r53hook's mark (made by hand,
    /// by another tool, or by r53hook before the registry).
    public var adoptsUnmarkedRecord: Bool
    /// Print the changes and the waits; change nothing.
    public var dryRun: Bool
    /// The limit on the command's AWS waits, named in the dry-run plan.
    public var deadline: Duration

    /// Creates join settings with the documented defaults.
    public init(
        target: FleetTarget, holdFile: String = "/etc/r53hook/hold", healthyTimeout: Duration = .seconds(300),
        waitsForSync: Bool = true, adoptsUnmarkedRecord: Bool = false, dryRun: Bool = false,
        deadline: Duration = .seconds(300)
    ) {
        self.target = target
        self.holdFile = holdFile
        self.healthyTimeout = healthyTimeout
        self.waitsForSync = waitsForSync
        self.adoptsUnmarkedRecord = adoptsUnmarkedRecord
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
