import ArgumentParser
import R53HookKit

/// `r53hook start`.
struct StartCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Join: UPSERT this instance's weighted record and/or register it with a load balancer, and wait.",
        discussion: """
            Reads the instance id and address from IMDSv2 (unless --set-identifier and an IP \
            --address are given), then UPSERTs the weighted record NAME TYPE with SetIdentifier = \
            the instance id. Running start again is safe: an identical record is left as it is, a \
            different one (after a crash, a new address) is repaired. Unless --no-wait, waits until \
            the change is INSYNC on every Route 53 name server, bounded by --deadline.

            With --elb or --target-group it first registers the instance and, unless --no-wait, \
            waits until the load balancer reports it healthy (--healthy-timeout; exit 75 after it, \
            still registered). While the --hold-file exists, start joins nothing and says why.
            """)

    @OptionGroup var options: RecordOptions

    @Flag(help: "Return once Route 53 accepted the change, without waiting for INSYNC. (R53HOOK_NO_WAIT)")
    var noWait = false

    func run() async throws {
        try await withRuntime(extraFlags: noWait ? [.noWait: "true"] : [:]) { runtime in
            let outcome = try await JoinFleet(context: try await runtime.fleetContext()).run(runtime.settings)
            for step in outcome.plan { print("then: \(step)") }
            if case .planned(let plan) = outcome.record {
                print(plan.text)
            }
        }
    }
}
