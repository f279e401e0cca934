import AWSKit
import R53HookKit

/// The one place `--dry-run` plans become text: start, stop and cycle print them alike, on
/// standard output, one step a line (a Route 53 batch as the XML that would be sent).
enum DryRunOutput {
    /// The plan's lines.
    static func lines(_ plan: DryRunPlan) -> [String] {
        plan.steps.map { step in
            switch step {
            case .register(let instanceId, let loadBalancer):
                return "then: register \(instanceId) with \(loadBalancer)"
            case .waitHealthy(let loadBalancer, let limit):
                return "then: wait until \(loadBalancer) reports it healthy (up to \(limit.wholeSecondsText))"
            case .deregister(let instanceId, let loadBalancer):
                return "then: deregister \(instanceId) from \(loadBalancer) and wait while it drains"
            case .records(let records):
                return records.text
            case .run(let command):
                return "then: run \(command.joined(separator: " ")), then rejoin when it succeeds"
            }
        }
    }

    /// Prints the plan on standard output.
    static func print(_ plan: DryRunPlan) {
        for line in lines(plan) { Swift.print(line) }
    }
}
