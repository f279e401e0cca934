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
                return text(records)
            case .run(let command):
                return "then: run \(command.joined(separator: " ")), then rejoin when it succeeds"
            }
        }
    }

    /// A Route 53 plan: the zone, the batch as it would be sent, then the waits.
    static func text(_ plan: WeightedRecordPlan) -> String {
        var lines = ["hosted zone: \(plan.zone.name) \(plan.zone.id) (\(plan.zone.visibility))"]
        lines += plan.warnings.map { "warning: \($0)" }
        if plan.changes.isEmpty {
            lines.append("no change needed")
        } else {
            lines.append("change batch (POST /2013-04-01/hostedzone/\(plan.zone.id)/rrset):")
            lines.append(plan.batchXML)
        }
        for wait in plan.waits {
            switch wait {
            case .inSync(let deadline):
                lines.append("then: wait until Route 53 reports the change INSYNC (up to the \(deadline.wholeSecondsText) deadline)")
            case .drain(let ttl, let extra):
                lines.append(
                    "then: drain \((ttl + extra).wholeSecondsText) (the record's TTL \(ttl.wholeSecondsText) + \(extra.wholeSecondsText) extra)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Prints the plan on standard output.
    static func print(_ plan: DryRunPlan) {
        for line in lines(plan) { Swift.print(line) }
    }
}
