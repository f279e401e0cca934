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
            """)

    @OptionGroup var options: RecordOptions

    @Flag(help: "Return once Route 53 accepted the change, without waiting for INSYNC. (R53HOOK_NO_WAIT)")
    var noWait = false

    @Flag(help: "Take over this instance's record although it lacks r53hook's registry mark (made by hand, another tool, or r53hook 0.1).")
    var adopt = false

    func run() async throws {
        try await withRuntime(extraFlags: noWait ? [.noWait: "true"] : [:]) { runtime in
            var settings = runtime.settings
            settings.adoptsUnmarkedRecord = adopt
            let outcome = try await JoinFleet(context: try await runtime.fleetContext()).run(settings)
            DryRunOutput.print(outcome.plan)
        }
    }
}
