import AWSKit
import Logging

/// What joining and leaving need: Route 53, the load balancer (when one is configured), the
/// instance's identity, the waits, the clock and the log.
package struct FleetContext: Sendable {
    /// Route 53.
    package let route53: Route53Client
    /// The load balancer, when the settings name one.
    package let loadBalancer: (any LoadBalancerMembership)?
    /// The instance's identity from IMDS.
    package let identity: InstanceIdentity
    /// INSYNC waiting.
    package let changeWaiter: ChangeWaiter
    /// The DNS drain.
    package let drainTimer: DrainTimer
    /// Load balancer health and drain waiting.
    package let loadBalancerWaiter: LoadBalancerWaiter
    /// The clock.
    package let time: any TimeSource
    /// The log.
    package let logger: Logger

    /// Creates a context.
    package init(
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
