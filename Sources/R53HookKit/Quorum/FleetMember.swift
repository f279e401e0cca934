/// One member of a fleet as a load balancer or the weighted record set sees it.
package struct FleetMember: Sendable, Equatable {
    /// The member's state, reduced to what a quorum cares about.
    package enum Health: String, Sendable, Equatable {
        /// Taking traffic and passing its checks.
        case healthy
        /// Registered, not yet checked healthy (ELBv2 `initial`, classic registration in progress).
        case starting
        /// Registered and failing its checks.
        case unhealthy
        /// Leaving: connection draining or deregistration delay.
        case draining
        /// Registered nowhere that takes traffic (ELBv2 `unused`, weight 0).
        case unused
    }

    /// The instance id (or set identifier).
    package let id: String
    /// Its state.
    package let health: Health
    /// The load balancer's own words, for messages.
    package let detail: String
    /// The load balancer's reason code, where it gives one (ELBv2 `TargetHealth.Reason`, such
    /// as `Target.NotRegistered`): matched exactly, never found in `detail`.
    package let reason: String?

    /// Creates a member.
    package init(id: String, health: Health, detail: String = "", reason: String? = nil) {
        self.id = id
        self.health = health
        self.detail = detail
        self.reason = reason
    }

    /// Whether it counts towards the quorum.
    package var isHealthy: Bool { health == .healthy }
}
