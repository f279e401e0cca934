import AWSKit
import Logging

/// `cycle`: elb-quorum's restart flow as one command. Check the quorum (and change nothing
/// without it), leave and drain, run the command, then rejoin and wait until healthy. A failed
/// command leaves the instance out, since it is probably broken, unless rejoining on failure is
/// asked for; while the hold file exists it stays out either way.
package struct CycleInstance: Sendable {
    private let context: FleetContext
    private let runner: any CommandRunner

    /// Creates the use case.
    package init(context: FleetContext, runner: any CommandRunner) {
        self.context = context
        self.runner = runner
    }

    /// `--dry-run`: what the cycle would do (leave, run the command, rejoin), changing nothing.
    package func plan(_ settings: CycleSettings, command: [String]) async throws -> DryRunPlan {
        var plan = try await LeaveFleet(context: context).run(settings.leave, strictQuorum: true).plan
        plan.steps.append(.run(command: command))
        return plan
    }

    /// Runs the cycle and returns the command's exit status.
    package func run(_ settings: CycleSettings, command: [String]) async throws -> Int32 {
        guard !command.isEmpty else {
            throw DomainError(.missingArgument, "cycle needs a command after --, e.g. r53hook cycle ... -- systemctl restart myapp")
        }
        guard !settings.dryRun else {
            throw DomainError(.internalInconsistency, "a dry run of cycle is planned by CycleInstance.plan, not run")
        }
        _ = try await LeaveFleet(context: context).run(settings.leave, strictQuorum: true)
        context.logger.info("out of the fleet; running: \(command.joined(separator: " "))")
        let status = try await runner.run(command)
        guard status == 0 || settings.rejoinsOnFailure else {
            let rejoin = RemedyWording.current.clause([.use(.rejoinOnFailure, purpose: "to rejoin even then")])
            context.logger.error(
                "the command failed (exit \(status)); staying out of the fleet, as the instance looks broken. Fix it and run r53hook start\(rejoin.map { ", or " + $0 } ?? "")"
            )
            return status
        }
        if status != 0 {
            context.logger.warning("the command failed (exit \(status)); rejoining anyway (\(RemedyWording.current.name(of: .rejoinOnFailure)))")
        }
        let joined = try await JoinFleet(context: context).run(settings.join)
        if joined.heldBecause == nil {
            context.logger.info("back in the fleet")
        }
        return status
    }
}
