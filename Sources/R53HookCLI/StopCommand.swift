import AWSKit
import ArgumentParser
import R53HookKit

/// `r53hook stop`.
struct StopCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Leave: delete exactly this instance's record (wait INSYNC, drain the TTL) and/or deregister it from a load balancer.",
        discussion: """
            Reads this instance's record (NAME TYPE with its SetIdentifier) and its registry mark \
            and deletes exactly both in one batch, repeating every value as Route 53 requires; a \
            record that is not there is reported and the command succeeds. A record without \
            r53hook's mark is left alone (exit 78). It then waits until the deletion is INSYNC on every Route 53 name \
            server and, after that, for the deleted record's TTL plus --drain-extra seconds, so \
            resolvers that cached the address stop using it while the service still answers. \
            Progress goes to stderr.

            With --elb or --target-group it also deregisters the instance, at the same time, and \
            waits while the load balancer drains it (bounded by the load balancer's own draining \
            time plus 15 s). With --min-healthy and/or --quorum it first checks that enough healthy \
            members remain without this one, re-checking every --quorum-interval up to \
            --quorum-timeout; then --on-no-quorum decides.
            """)

    @OptionGroup(title: "Config file and hosted zone") var zone: ZoneOptions
    @OptionGroup(title: "Record") var record: RecordOptions
    @OptionGroup(title: "Load balancer") var loadBalancer: LoadBalancerOptions
    @OptionGroup(title: "Quorum") var quorum: QuorumOptions
    @OptionGroup(title: "Draining") var draining: DrainOptions
    @OptionGroup(title: "AWS and logging") var aws: AWSOptions
    @OptionGroup(visibility: .private) var ignored0: IgnoredRecordValueOptions
    @OptionGroup var dryRun: DryRunOptions

    func settings(from resolver: SettingsResolver) throws(SettingsError) -> LeaveSettings {
        try resolver.leave()
    }

    func run(_ settings: LeaveSettings, in runtime: HookRuntime) async throws {
        let outcome = try await LeaveFleet(context: try await runtime.fleetContext(settings.target)).run(settings, strictQuorum: false)
        DryRunOutput.print(outcome.plan)
    }
}
