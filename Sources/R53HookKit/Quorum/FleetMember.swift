/// One member of a fleet as a load balancer or the weighted record set sees it.
public struct FleetMember: Sendable, Equatable {
    /// The member's state, reduced to what a quorum cares about.
    public enum Health: String, Sendable, Equatable {
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
    public let id: String
    /// Its state.
    public let health: Health
    /// The load balancer's own words, for messages.
    public let detail: String
    /// The load balancer's reason code, where it gives one (ELBv2 `TargetHealth.Reason`, such
    /// as `Target.NotRegistered`): matched exactly, never found in `detail`.
    public let reason: String?

    /// Creates a member.
    public init(id: String, health: Health, detail: String = "", reason: String? = nil) {
        self.id = id
        self.health = health
        self.detail = detail
        self.reason = reason
    }

    /// Whether it counts towards the quorum.
    public var isHealthy: Bool { health == .healthy }
}
