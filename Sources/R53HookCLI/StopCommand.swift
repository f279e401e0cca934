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

    @OptionGroup var options: RecordOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds to drain beyond the record's TTL. (R53HOOK_DRAIN_EXTRA, default 5)", valueName: "seconds"))
    var drainExtra: String?

    @Option(
        help: ArgumentHelp(
            "Without the quorum after --quorum-timeout: proceed (leave anyway, loudly) or fail (exit 75, change nothing). (R53HOOK_ON_NO_QUORUM, default proceed)",
            valueName: "action"))
    var onNoQuorum: String?

    func run() async throws {
        var extra: [SettingKey: String] = [:]
        extra[.drainExtra] = drainExtra
        extra[.onNoQuorum] = onNoQuorum
        try await withRuntime(extraFlags: extra) { runtime in
            let outcome = try await LeaveFleet(context: try await runtime.fleetContext()).run(runtime.settings, strictQuorum: false)
            DryRunOutput.print(outcome.plan)
        }
    }
}
