/// What joining needs (`start`, and the rejoin of `cycle`).
package struct JoinSettings: TargetedSettings, Sendable, Equatable {
    /// The record and/or load balancer to join.
    package var target: FleetTarget
    /// While this file exists, joining is held back.
    package var holdFile: String
    /// How long to wait for the load balancer to report the instance healthy.
    package var healthyTimeout: Duration
    /// Whether to wait until the change is INSYNC and the instance healthy.
    package var waitsForSync: Bool
    /// Take over this instance's address record although it lacks r53hook's mark (made by hand,
    /// by another tool, or by r53hook before the registry).
    package var adoptsUnmarkedRecord: Bool
    /// Print the changes and the waits; change nothing.
    package var dryRun: Bool
    /// The limit on the command's AWS waits, named in the dry-run plan.
    package var deadline: Duration
    /// Send [CREATE record, CREATE mark] before reading anything (`JoinRecordSet`).
    package var createsFirst: Bool

    /// Creates join settings with the documented defaults.
    package init(
        target: FleetTarget, holdFile: String = "/etc/r53hook/hold", healthyTimeout: Duration = .seconds(300),
        waitsForSync: Bool = true, adoptsUnmarkedRecord: Bool = false, dryRun: Bool = false,
        deadline: Duration = .seconds(300), createsFirst: Bool = false
    ) {
        self.target = target
        self.holdFile = holdFile
        self.healthyTimeout = healthyTimeout
        self.waitsForSync = waitsForSync
        self.adoptsUnmarkedRecord = adoptsUnmarkedRecord
        self.dryRun = dryRun
        self.deadline = deadline
        self.createsFirst = createsFirst
    }
}
