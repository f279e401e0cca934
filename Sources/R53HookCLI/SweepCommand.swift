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

    @OptionGroup(title: "Config file and hosted zone") var zone: ZoneOptions
    @OptionGroup(title: "Record") var record: RecordOptions
    @OptionGroup(title: "Registry") var registry: RegistryOptions
    @OptionGroup(title: "Sweep") var sweep: SweepOptions
    @OptionGroup(title: "AWS and logging") var aws: AWSOptions
    @OptionGroup(visibility: .private) var ignored0: IgnoredRecordValueOptions
    @OptionGroup(visibility: .private) var ignored1: IgnoredQuorumOptions
    @OptionGroup(visibility: .private) var ignored2: IgnoredLoadBalancerOptions
    @OptionGroup var dryRun: DryRunOptions

    func settings(from resolver: SettingsResolver) throws(SettingsError) -> (sweep: SweepSettings, deadline: Duration) {
        (try SweepSettings(resolver), try resolver.seconds(.deadline))
    }

    func run(_ settings: (sweep: SweepSettings, deadline: Duration), in runtime: HookRuntime) async throws {
        // Dual-stack, each type's registry is swept in turn, each under its own limits.
        for target in settings.sweep.target.perRecordType {
            var single = settings.sweep
            single.target = target
            try await sweepOneType(single, deadline: settings.deadline, in: runtime)
        }
    }

    private func sweepOneType(_ sweep: SweepSettings, deadline: Duration, in runtime: HookRuntime) async throws {
        let report = try await RegistrySweep(
            route53: runtime.route53, instances: try await runtime.instanceStates(),
            identity: runtime.identity, time: runtime.time, logger: runtime.logger
        )
        .run(sweep.target, limits: sweep.limits, dryRun: sweep.dryRun, waiting: .upTo(deadline))
        let deleted = Set(report.deleted)
        for verdict in report.dead {
            let member = verdict.member
            let verb = deleted.contains(member.setIdentifier) ? "swept" : "would sweep"
            if report.refusal == nil, !sweep.dryRun, !deleted.contains(member.setIdentifier) { continue }
            print("\(verb) \(member.setIdentifier) (\(member.mark.instanceId) \(member.mark.address)): \(verdict.reason)")
        }
        for skip in report.skipped { print("left \(skip.setIdentifier): \(skip.reason)") }
        if let refusal = report.refusal { throw refusal }
        let done = sweep.dryRun ? "would sweep" : "swept"
        print("\(done) \(sweep.dryRun ? report.dead.count : report.deleted.count) of \(report.memberCount) member\(report.memberCount == 1 ? "" : "s")")
    }
}
