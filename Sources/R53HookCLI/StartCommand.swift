import AWSKit
import ArgumentParser
import R53HookKit

/// `r53hook start`.
struct StartCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Join: write this instance's weighted record (and its registry mark) and/or register it with a load balancer, and wait.",
        discussion: """
            Reads the instance id and address from IMDSv2 (unless --set-identifier and an IP \
            --address are given), then writes the weighted record NAME TYPE with SetIdentifier = \
            the instance id and, in the same atomic batch, its registry mark: the weighted TXT \
            record _r53hook-TYPE.NAME with the same SetIdentifier, holding the instance id, \
            address, availability zone and join time (see `members`). Running start again is \
            safe: an identical record is left as it is, a different one (after a crash, a new \
            address) is repaired. A record without the mark is never overwritten (--adopt takes \
            it over). Unless --no-wait, waits until \
            the change is INSYNC on every Route 53 name server, bounded by --deadline.

            With --elb or --target-group it first registers the instance and, unless --no-wait, \
            waits until the load balancer reports it healthy (--healthy-timeout; exit 75 after it, \
            still registered). While the --hold-file exists, start joins nothing and says why.

            SIGTERM, SIGINT or SIGHUP before start is done (a shutdown during the boot, which \
            runs no ExecStop= for a unit that never became active) makes it leave again, drain \
            included, and exit 75: no record outlives the machine.
            """)

    @OptionGroup(title: "Config file and hosted zone") var zone: ZoneOptions
    @OptionGroup(title: "Record") var record: RecordOptions
    @OptionGroup(title: "Record values") var values: RecordValueOptions
    @OptionGroup(title: "Load balancer") var loadBalancer: LoadBalancerOptions
    @OptionGroup(title: "Joining") var joining: JoinOptions
    @OptionGroup(title: "AWS and logging") var aws: AWSOptions
    @OptionGroup(visibility: .private) var ignored0: IgnoredQuorumOptions
    @OptionGroup var dryRun: DryRunOptions

    func settings(from resolver: SettingsResolver) throws(SettingsError) -> JoinSettings {
        try resolver.join()
    }

    func run(_ settings: JoinSettings, in runtime: HookRuntime) async throws {
        let context = try await runtime.fleetContext(settings.target)
        switch try await InterruptWatch.run({ try await JoinFleet(context: context).run(settings) }) {
        case .finished(let outcome):
            DryRunOutput.print(outcome.plan)
        case .interrupted(let signal):
            // A shutdown during the boot: systemd sends SIGTERM and runs no ExecStop=. Leave
            // again, drain included, so no record outlives the machine; then exit 75.
            guard !settings.dryRun else { throw CancellationError() }
            runtime.logger.warning("\(InterruptWatch.name(of: signal)) while joining: leaving again, so that nothing stays half-joined")
            _ = try await LeaveFleet(context: context).run(LeaveSettings(target: settings.target, deadline: settings.deadline), strictQuorum: false)
            throw CancellationError()
        }
    }
}
