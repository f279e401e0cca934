import AWSKit
import ArgumentParser
import R53HookKit

/// `r53hook role`.
struct RoleCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "role",
        abstract: "Choose this instance's role in a group (bootstrap, server or agent) and print whom to join.",
        discussion: """
            auto-consul's mode decision without its race. Under the fleet-wide lock \
            role-GROUP-NAME-TYPE, reads the live members of the group from the registry and chooses:
              bootstrap  when the group has no live server (this instance starts it),
              server     while it has fewer than --servers live servers (or this instance already
                         is one of them),
              agent      otherwise;
            records the choice in this instance's registry mark, then releases the lock, so the \
            next instance sees it. Run `r53hook start` first. Members that send heartbeats count \
            only while their last one is at most --expiry seconds old.

            Prints one line: the role, then the addresses of the group's other live servers, e.g.
              server 10.0.1.5 10.0.2.7
            so a script can `read -r role peers < <(r53hook role --group consul --servers 3)`.

            Example (Consul):
              read -r role peers < <(r53hook role --group consul --servers 3)
              case $role in
                bootstrap) exec consul agent -server -bootstrap-expect=1 ;;
                server)    exec consul agent -server $(printf -- '-retry-join=%s ' $peers) ;;
                agent)     exec consul agent $(printf -- '-retry-join=%s ' $peers) ;;
              esac
            """)

    @OptionGroup var options: RecordOptions

    @Option(help: ArgumentHelp("The group: letters, digits, '-' and '_'.", valueName: "name"))
    var group: String

    @Option(parsing: .unconditional, help: ArgumentHelp("How many servers the group wants.", valueName: "n"))
    var servers: Int

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds after which a heartbeat counts as expired.", valueName: "seconds"))
    var expiry = 120

    func validate() throws {
        if let problem = MemberMark.problem(withGroup: group) { throw ValidationError("invalid --group '\(group)': \(problem)") }
        if !(1...100).contains(servers) { throw ValidationError("--servers must be between 1 and 100") }
        if expiry < 1 { throw ValidationError("--expiry must be at least 1 second") }
    }

    func run() async throws {
        try await withRuntime { runtime in
            let decision = try await RoleElection(
                route53: runtime.route53, identity: runtime.identity, time: runtime.time,
                logger: runtime.logger
            )
            .run(runtime.settings, group: group, servers: servers, expiry: expiry, waiting: .upTo(runtime.settings.deadline))
            if json {
                print(
                    JSONWriter.write(
                        .object([
                            ("role", .string(decision.role.rawValue)), ("group", .string(group)), ("servers", .int(servers)),
                            ("join", .array(decision.join.map(JSONWriter.Node.string))),
                        ])))
            } else {
                print(([decision.role.rawValue] + decision.join).joined(separator: " "))
            }
        }
    }
}
