/// What IMDS said about the instance's future at one poll: the lifecycle signals `watch` acts on.
package struct InstanceSignals: Sendable, Equatable {
    /// The spot interruption notice, once EC2 has scheduled one.
    package var spot: SpotInterruption?
    /// Auto Scaling's `target-lifecycle-state` (`InService`, `Terminated`, `Warmed:Running`, ...);
    /// nil when the instance is in no group.
    package var lifecycleState: String?
    /// The rebalance recommendation's notice time, once there is one.
    package var rebalanceNotice: String?
    /// The scheduled maintenance events.
    package var maintenance: [MaintenanceEvent]

    /// Creates signals; the defaults are a quiet instance.
    package init(spot: SpotInterruption? = nil, lifecycleState: String? = nil, rebalanceNotice: String? = nil, maintenance: [MaintenanceEvent] = []) {
        self.spot = spot
        self.lifecycleState = lifecycleState
        self.rebalanceNotice = rebalanceNotice
        self.maintenance = maintenance
    }

    /// One line per signal present, for the log and `STATUS=`.
    package var summary: String {
        var parts: [String] = []
        if let spot { parts.append("spot \(spot.action) at \(spot.time)") }
        if let lifecycleState { parts.append("lifecycle \(lifecycleState)") }
        if let rebalanceNotice { parts.append("rebalance recommended at \(rebalanceNotice)") }
        for event in maintenance { parts.append("\(event.code) \(event.eventId) \(event.state) not before \(event.notBefore)") }
        return parts.isEmpty ? "no lifecycle signals" : parts.joined(separator: "; ")
    }
}
