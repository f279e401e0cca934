import ArgumentParser
import R53HookKit

/// `r53hook cycle -- COMMAND`.
struct CycleCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycle",
        abstract: "Leave, run a command (a restart), and rejoin, without taking the fleet below its quorum.",
        discussion: """
            Checks the quorum (--min-healthy, --quorum) and, without it after --quorum-timeout, \
            exits 75 having changed nothing. Otherwise leaves the DNS record and/or the load \
            balancer and waits for the drains, runs COMMAND with its output passed through and \
            SIGINT/SIGTERM/SIGHUP forwarded to it, then rejoins and waits until healthy. The exit \
            code is the command's. A failed command leaves the instance out (it is probably \
            broken) unless --rejoin-on-failure; while the --hold-file exists it stays out.

            \(CommandEnvironmentOptions.discussion) Processes of the group still running when the \
            command exits (a daemon started without setsid) are left running.

            Example: r53hook cycle --elb web --min-healthy 2 -- systemctl restart myapp
            """)

    @OptionGroup var options: RecordOptions

    @Flag(help: "Rejoin even when the command failed. (R53HOOK_REJOIN_ON_FAILURE)")
    var rejoinOnFailure = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds to drain beyond the record's TTL. (R53HOOK_DRAIN_EXTRA, default 5)", valueName: "seconds"))
    var drainExtra: String?

    @OptionGroup(title: "The command's environment")
    var commandEnvironment: CommandEnvironmentOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command to run while out of the fleet, after --.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        if command.isEmpty {
            throw ValidationError("give the command to run after --, e.g. r53hook cycle --elb web -- systemctl restart myapp")
        }
    }

    func run() async throws {
        var status: Int32 = 0
        var extra: [SettingKey: String] = [:]
        if rejoinOnFailure { extra[.rejoinOnFailure] = "true" }
        extra[.drainExtra] = drainExtra
        commandEnvironment.add(to: &extra)
        try await withRuntime(extraFlags: extra) { runtime in
            let context = try await runtime.fleetContext()
            let cycle = CycleInstance(
                context: context,
                runner: ProcessCommandRunner(
                    logger: runtime.logger, leftovers: .leave,
                    passesAWSCredentials: runtime.settings.passesAWSCredentials))
            if runtime.settings.dryRun {
                DryRunOutput.print(try await cycle.plan(runtime.settings, command: command))
            } else {
                status = try await cycle.run(runtime.settings, command: command)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}
