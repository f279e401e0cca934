/// Registration with a load balancer: classic ELB or an ELBv2 target group, behind one face.
package protocol LoadBalancerMembership: Sendable, CustomStringConvertible {
    /// Registers the instance.
    func register(instanceId: String) async throws
    /// Deregisters the instance; the load balancer then drains it.
    func deregister(instanceId: String) async throws
    /// Every registered member and its state.
    func members() async throws -> [FleetMember]
    /// The instance's state, or nil when it is not registered (or fully drained).
    func member(instanceId: String) async throws -> FleetMember?
    /// How long the load balancer drains a deregistered member: the connection-draining timeout
    /// (zero when draining is off) or the target group's deregistration delay.
    func drainTimeout() async throws -> Duration
}
