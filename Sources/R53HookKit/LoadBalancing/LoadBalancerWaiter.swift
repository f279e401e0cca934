import AWSKit
import Logging

/// Waits for a load balancer to report an instance healthy after registering, or drained after
/// deregistering. Polls every 2 seconds: faster than the SDK waiters' 15 s, still polite.
package struct LoadBalancerWaiter: Sendable {
    private let time: any TimeSource
    private let logger: Logger
    private let pollInterval: Duration

    /// Creates a waiter.
    package init(time: any TimeSource, logger: Logger, pollInterval: Duration = .seconds(2)) {
        self.time = time
        self.logger = logger
        self.pollInterval = pollInterval
    }

    /// Returns once the instance is healthy; a temporary error after `timeout` (it stays registered).
    @discardableResult
    package func waitHealthy(_ membership: any LoadBalancerMembership, instanceId: String, timeout: Duration) async throws -> Duration {
        let started = time.monotonicNow
        var lastReport = started
        while true {
            let member = try await membership.member(instanceId: instanceId)
            let waited = time.monotonicNow - started
            if member?.isHealthy == true {
                logger.info("\(membership) reports \(instanceId) healthy after \(waited.wholeSecondsText)")
                return waited
            }
            let state = member.map { "\($0.health.rawValue): \($0.detail)" } ?? "not registered"
            guard waited < timeout else {
                throw DomainError(
                    .notHealthy,
                    "\(membership) did not report \(instanceId) healthy within \(timeout.wholeSecondsText) (last: \(state)); it stays registered",
                    remedies: [.advice("check the load balancer's health check"), .raise(.healthyTimeout)]
                )
            }
            if time.monotonicNow - lastReport >= .seconds(10) || waited == .zero {
                lastReport = time.monotonicNow
                logger.info("waiting for \(membership) to report \(instanceId) healthy (\(state), \(waited.wholeSecondsText))")
            }
            // The last pause is cut to the timeout, so the last look is at the timeout itself.
            try await time.sleep(for: min(pollInterval, timeout - waited))
        }
    }

    /// Returns once the load balancer no longer sends the instance traffic, or when `bound`
    /// passes (the load balancer finishes on its own; r53hook only stops waiting).
    @discardableResult
    package func waitDrained(_ membership: any LoadBalancerMembership, instanceId: String, bound: Duration) async throws -> Duration {
        let started = time.monotonicNow
        var lastReport = started
        while true {
            let member = try await membership.member(instanceId: instanceId)
            let waited = time.monotonicNow - started
            guard let member, member.health == .draining || member.health == .healthy else {
                logger.info("\(membership) finished draining \(instanceId) after \(waited.wholeSecondsText)")
                return waited
            }
            guard waited < bound else {
                logger.warning("\(membership) still reports \(instanceId) \(member.detail) after \(waited.wholeSecondsText), past its own draining time; going on")
                return waited
            }
            if time.monotonicNow - lastReport >= .seconds(10) || waited == .zero {
                lastReport = time.monotonicNow
                logger.info("\(membership) is draining \(instanceId): \(member.detail) (\(waited.wholeSecondsText) of at most \(bound.wholeSecondsText))")
            }
            try await time.sleep(for: min(pollInterval, bound - waited))
        }
    }
}
