import AWSKit
import ArgumentParser
import R53HookKit

/// `r53hook sweep`.
struct SweepCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Delete the record pairs of dead members: terminated or gone instances, expired heartbeats.",
        discussion: """
            Under the fleet-wide lock sweep-NAME-TYPE, reads the registry and asks EC2 \
            (DescribeInstances, 100 ids per call) about each member's instance. A member is dead \
            when its instance is terminated, when EC2 no longer knows it (members of this region \
            only, and only once the mark is 5 minutes old), or when it sends heartbeats and the \
            last one is older than --expiry. Each dead pair goes with its own exact DELETE batch, \
            so a member that beat in the meantime stays. Records without r53hook's mark are never \
            touched, nor are foreign marks (which fail validation; each is named in a warning), \
            nor is this instance's own pair.

            Self-preservation: when more than --max-fraction of the members look dead at once, \
            nothing is deleted and sweep exits 75: that is more likely a partition or an EC2 API \
            problem than a mass death. --force sweeps anyway. --dry-run prints what would go.

            Needs ec2:DescribeInstances besides the Route 53 permissions (etc/iam-policy.json). The \
            shipped r53hook-sweep.timer runs it every 5 minutes; any instance may run it.
            """)

    @OptionGroup var options: RecordOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds after which a heartbeat counts as expired.", valueName: "seconds"))
    var expiry = 120

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Refuse (exit 75) when more than this share of the members would go at once.", valueName: "fraction"))
    var maxFraction = 0.5

    @Flag(help: "Sweep even beyond --max-fraction.")
    var force = false

    func validate() throws {
        if expiry < 1 { throw ValidationError("--expiry must be at least 1 second") }
        if !(maxFraction > 0 && maxFraction <= 1) { throw ValidationError("--max-fraction must be above 0 and at most 1, e.g. 0.5") }
    }

    func run() async throws {
        try await withRuntime { runtime in
            let settings = runtime.settings
            let report = try await RegistrySweep(
                route53: runtime.route53, instances: try await runtime.instanceStates(),
                identity: runtime.identity, time: runtime.time, logger: runtime.logger
            )
            .run(
                settings, limits: RegistrySweep.Limits(expiry: expiry, maxFraction: maxFraction, force: force),
                waiting: .upTo(settings.deadline))
            let deleted = Set(report.deleted)
            for verdict in report.dead {
                let member = verdict.member
                let verb = deleted.contains(member.setIdentifier) ? "swept" : "would sweep"
                if report.refusal == nil, !settings.dryRun, !deleted.contains(member.setIdentifier) { continue }
                print("\(verb) \(member.setIdentifier) (\(member.mark.instanceId) \(member.mark.address)): \(verdict.reason)")
            }
            for skip in report.skipped { print("left \(skip.setIdentifier): \(skip.reason)") }
            if let refusal = report.refusal { throw refusal }
            let done = settings.dryRun ? "would sweep" : "swept"
            print("\(done) \(settings.dryRun ? report.dead.count : report.deleted.count) of \(report.memberCount) member\(report.memberCount == 1 ? "" : "s")")
        }
    }
}
