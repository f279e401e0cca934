import AWSKit
import Logging

/// `start`: join the load balancer (and wait until it reports the instance healthy), then the
/// weighted DNS record; or nothing, with a message, while the hold file exists.
package struct JoinFleet: Sendable {
    /// What `start` did.
    package struct Outcome: Sendable {
        /// The hold file kept the instance out; its reason.
        package var heldBecause: String?
        /// What happened with the DNS record, when DNS is configured.
        package var record: JoinRecordSet.Outcome?
        /// How long the load balancer took to report the instance healthy, when one is configured
        /// and start waited.
        package var healthyAfter: Duration?
        /// `--dry-run`: what would be done.
        package var plan = DryRunPlan()
    }

    private let context: FleetContext

    /// Creates the use case.
    package init(context: FleetContext) {
        self.context = context
    }

    /// Runs `start`.
    package func run(_ settings: JoinSettings) async throws -> Outcome {
        var outcome = Outcome()
        if let reason = HoldFile(path: settings.holdFile).holdReason() {
            context.logger.notice("not joining: \(reason). Remove the file to let this instance join.")
            outcome.heldBecause = reason
            return outcome
        }
        if let loadBalancer = context.loadBalancer {
            // Refuse a record r53hook may not write before joining the load balancer, not after.
            if settings.record != nil { try await context.joinRecordSet.check(settings) }
            let instanceId = try await context.identity.instanceId()
            if settings.dryRun {
                outcome.plan.steps.append(.register(instanceId: instanceId, loadBalancer: "\(loadBalancer)"))
                if settings.waitsForSync {
                    outcome.plan.steps.append(.waitHealthy(loadBalancer: "\(loadBalancer)", upTo: settings.healthyTimeout))
                }
            } else {
                try await loadBalancer.register(instanceId: instanceId)
                context.logger.info("registered \(instanceId) with \(loadBalancer)")
                if settings.waitsForSync {
                    outcome.healthyAfter = try await context.loadBalancerWaiter.waitHealthy(
                        loadBalancer, instanceId: instanceId, timeout: settings.healthyTimeout)
                }
            }
        }
        if settings.record != nil {
            outcome.record = try await context.joinRecordSet.run(settings).outcome
            if case .planned(let plan) = outcome.record { outcome.plan.steps.append(.records(plan)) }
        }
        return outcome
    }
}
