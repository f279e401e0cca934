/// What `--dry-run` would do, step by step, for the command line to print in one place: the
/// load balancer steps, the Route 53 batch with its waits, and (cycle) the command.
package struct DryRunPlan: Sendable, Equatable {
    /// One thing that would be done.
    package enum Step: Sendable, Equatable {
        /// Register the instance with the load balancer (named as in messages).
        case register(instanceId: String, loadBalancer: String)
        /// Wait until the load balancer reports the instance healthy, at most this long.
        case waitHealthy(loadBalancer: String, upTo: Duration)
        /// Deregister the instance and wait while the load balancer drains it.
        case deregister(instanceId: String, loadBalancer: String)
        /// Write or delete the weighted record and its mark, then wait.
        case records(WeightedRecordPlan)
        /// Run the command (cycle), then rejoin when it succeeds.
        case run(command: [String])
    }

    /// The steps, in order.
    package var steps: [Step]

    /// Creates a plan.
    package init(steps: [Step] = []) {
        self.steps = steps
    }
}
