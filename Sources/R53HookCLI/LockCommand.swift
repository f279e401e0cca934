import AWSKit
import ArgumentParser
import R53HookKit

/// `r53hook lock NAME -- COMMAND`.
struct LockCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Run a command on one machine of the fleet at a time, under a lock kept in Route 53.",
        discussion: """
            The lock is the TXT record NAME._r53hook-lock.ZONE, holding its owner, a random token \
            and the lease. Route 53 applies a change batch all or nothing, so a CREATE that finds \
            the record fails: that is the compare-and-swap. The holder renews every lease/3 with \
            one batch [DELETE the exact current value, CREATE the next], and releases with an exact \
            DELETE when the command ends (SIGINT/SIGTERM are forwarded to the command first).

            A waiter never trusts another machine's clock: it takes a lock over only after seeing \
            the same value unchanged for the holder's whole lease on its own monotonic clock. A \
            holder that could not renew for 2/3 of the lease, or finds its value gone, terminates \
            the command (SIGTERM, then SIGKILL) and exits 75, before any waiter can take over.

            The exit code is the command's; 75 when the lock is held and --no-wait is given, when \
            --wait-timeout passes, or when the lock was lost; 78 when something else at the lock's \
            name (a CNAME, say) makes Route 53 refuse the lock record.

            \(CommandEnvironmentOptions.discussion) Fencing and the end of the command concern \
            the whole group: when the lock is lost, r53hook exits 75 only once no process of the \
            group is left (SIGTERM, SIGKILL after a sixth of the lease); when the command exits \
            and leaves processes of its group running, they are terminated the same way before \
            the lock is released (detach what must outlive the lock with setsid).

            Example: r53hook lock --zone-name example.com reports -- /usr/local/bin/aggregate
            """)

    @Argument(help: "The lock's name: letters, digits, '-' and '_'.")
    var name: String

    @OptionGroup(title: "Config file and the hosted zone that holds the lock record") var zone: ZoneOptions
    @OptionGroup(title: "Lock") var lock: LockOptions
    @OptionGroup(title: "The command's environment") var commandEnvironment: CommandEnvironmentOptions
    @OptionGroup(title: "IMDS and logging") var logging: LoggingOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command to run under the lock, after --.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        if let problem = LockStore.problem(withName: name) { throw ValidationError("invalid lock name '\(name)': \(problem)") }
        if command.isEmpty { throw ValidationError("give the command to run after --, e.g. r53hook lock --zone-name example.com reports -- ./aggregate") }
    }

    func settings(from resolver: SettingsResolver) throws(SettingsError) -> LockSettings {
        try LockSettings(resolver)
    }

    func run(_ settings: LockSettings, in runtime: HookRuntime) async throws {
        // The owner first: a bad one (from IMDS) is refused before any Route 53 request.
        let owner: String
        if let given = settings.owner { owner = given } else { owner = try await runtime.identity.instanceId() }
        let zone = try await ZoneResolver(route53: runtime.route53).resolve(settings.zone)
        let store = LockStore(route53: runtime.route53, time: runtime.time, zone: zone, lockName: name)
        // A fenced command must be gone within the lease's last third: SIGKILL follows
        // SIGTERM after a sixth of the lease (half a second for the shortest lease). What
        // the command leaves running is ended too: the lock is released next.
        let runner = ProcessCommandRunner(
            logger: runtime.logger, killGrace: settings.lease / 6,
            leftovers: .terminate, passesAWSCredentials: settings.passesAWSCredentials)
        let status = try await RunUnderLock(store: store, runner: runner, time: runtime.time, logger: runtime.logger)
            .run(owner: owner, lease: settings.lease, waiting: settings.waiting, command: command)
        if status != 0 { throw ExitCode(status) }
    }
}
