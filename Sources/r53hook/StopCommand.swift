import ArgumentParser
import R53HookKit

/// `r53hook stop`.
struct StopCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Deregister this instance: delete exactly its record, wait INSYNC, then drain for the record's TTL.",
        discussion: """
            Reads this instance's record (NAME TYPE with its SetIdentifier) and deletes exactly it, \
            repeating every value as Route 53 requires; a record that is not there is reported and \
            the command succeeds. It then waits until the deletion is INSYNC on every Route 53 name \
            server and, after that, for the deleted record's TTL plus --drain-extra seconds, so \
            resolvers that cached the address stop using it while the service still answers. \
            Progress goes to stderr.
            """)

    @OptionGroup var options: RecordOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds to drain beyond the record's TTL. (R53HOOK_DRAIN_EXTRA, default 5)", valueName: "seconds"))
    var drainExtra: String?

    func run() async throws {
        try await withRuntime(extraFlags: drainExtra.map { [.drainExtra: $0] } ?? [:]) { runtime in
            let leave = LeaveRecordSet(route53: runtime.route53, identity: runtime.identity, waiter: runtime.waiter,
                                       drainTimer: runtime.drainTimer, logger: runtime.logger)
            if case .planned(let plan) = try await leave.run(runtime.settings) {
                print(plan.text)
            }
        }
    }
}
