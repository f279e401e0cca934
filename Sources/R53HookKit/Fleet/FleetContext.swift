import AWSKit
import Logging

/// What joining and leaving need: Route 53, the load balancer (when one is configured), the
/// instance's identity, the waits, the clock and the log.
public struct FleetContext: Sendable {
    /// Route 53.
    public let route53: Route53Client
    /// The load balancer, when the settings name one.
    public let loadBalancer: (any LoadBalancerMembership)?
    /// The instance's identity from IMDS.
    public let identity: InstanceIdentity
    /// INSYNC waiting.
    public let changeWaiter: ChangeWaiter
    /// The DNS drain.
    public let drainTimer: DrainTimer
    /// Load balancer health and drain waiting.
    public let loadBalancerWaiter: LoadBalancerWaiter
    /// The clock.
    public let time: any TimeSource
    /// The log.
    public let logger: Logger

    /// Creates a context.
    public init(
        route53: Route53Client, loadBalancer: (any LoadBalancerMembership)?, identity: InstanceIdentity,
        changeWaiter: ChangeWaiter, drainTimer: DrainTimer, loadBalancerWaiter: LoadBalancerWaiter,
        time: any TimeSource, logger: Logger
    ) {
        self.route53 = route53
        self.loadBalancer = loadBalancer
        self.identity = identity
        self.changeWaiter = changeWaiter
        self.drainTimer = drainTimer
        self.loadBalancerWaiter = loadBalancerWaiter
        self.time = time
        self.logger = logger
    }

    var joinRecordSet: JoinRecordSet {
        JoinRecordSet(route53: route53, identity: identity, waiter: changeWaiter, time: time, logger: logger)
    }

    var leaveRecordSet: LeaveRecordSet {
        LeaveRecordSet(route53: route53, identity: identity, waiter: changeWaiter, drainTimer: drainTimer, logger: logger)
    }
}
