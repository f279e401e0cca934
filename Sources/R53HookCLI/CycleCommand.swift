import AWSKit
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

    @OptionGroup(title: "Config file and hosted zone") var zone: ZoneOptions
    @OptionGroup(title: "Record") var record: RecordOptions
    @OptionGroup(title: "Record values") var values: RecordValueOptions
    @OptionGroup(title: "Load balancer") var loadBalancer: LoadBalancerOptions
    @OptionGroup(title: "Quorum") var quorum: QuorumOptions
    @OptionGroup(title: "Draining") var draining: DrainOptions
    @OptionGroup(title: "Joining") var joining: JoinOptions
    @OptionGroup(title: "The command") var commandEnvironment: CycleCommandOptions
    @OptionGroup(title: "AWS and logging") var aws: AWSOptions
    @OptionGroup var dryRun: DryRunOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command to run while out of the fleet, after --.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        if command.isEmpty {
            throw ValidationError("give the command to run after --, e.g. r53hook cycle --elb web -- systemctl restart myapp")
        }
    }

    /// The settings, and whether the command gets r53hook's AWS keys.
    func settings(from resolver: SettingsResolver) throws(SettingsError) -> (cycle: CycleSettings, passesAWSCredentials: Bool) {
        (try resolver.cycle(), try resolver.bool(.passAWSCredentials))
    }

    func run(_ settings: (cycle: CycleSettings, passesAWSCredentials: Bool), in runtime: HookRuntime) async throws {
        let context = try await runtime.fleetContext(settings.cycle.join.target)
        let cycle = CycleInstance(
            context: context,
            runner: ProcessCommandRunner(logger: runtime.logger, leftovers: .leave, passesAWSCredentials: settings.passesAWSCredentials))
        if settings.cycle.dryRun {
            DryRunOutput.print(try await cycle.plan(settings.cycle, command: command))
            return
        }
        let status = try await cycle.run(settings.cycle, command: command)
        if status != 0 { throw ExitCode(status) }
    }
}
