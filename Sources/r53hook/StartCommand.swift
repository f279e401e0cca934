import ArgumentParser
import R53HookKit

/// `r53hook start`.
struct StartCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Register this instance: UPSERT its weighted record and wait until Route 53 has applied it.",
        discussion: """
            Reads the instance id and address from IMDSv2 (unless --set-identifier and an IP \
            --address are given), then UPSERTs the weighted record NAME TYPE with SetIdentifier = \
            the instance id. Running start again is safe: an identical record is left as it is, a \
            different one (after a crash, a new address) is repaired. Unless --no-wait, waits until \
            the change is INSYNC on every Route 53 name server, bounded by --deadline.
            """)

    @OptionGroup var options: RecordOptions

    @Flag(help: "Return once Route 53 accepted the change, without waiting for INSYNC. (R53HOOK_NO_WAIT)")
    var noWait = false

    func run() async throws {
        try await withRuntime(extraFlags: noWait ? [.noWait: "true"] : [:]) { runtime in
            let join = JoinRecordSet(route53: runtime.route53, identity: runtime.identity, waiter: runtime.waiter,
                                     logger: runtime.logger)
            let (_, outcome) = try await join.run(runtime.settings)
            if case .planned(let plan) = outcome {
                print(plan.text)
            }
        }
    }
}
