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

    @OptionGroup(title: "Config file and hosted zone") var zone: ZoneOptions
    @OptionGroup(title: "Record") var record: RecordOptions
    @OptionGroup(title: "Role") var role: RoleOptions
    @OptionGroup(title: "Registry") var registry: RegistryOptions
    @OptionGroup(title: "AWS and logging") var aws: AWSOptions
    @OptionGroup(visibility: .private) var ignored0: IgnoredRecordValueOptions
    @OptionGroup(visibility: .private) var ignored1: IgnoredQuorumOptions
    @OptionGroup(visibility: .private) var ignored2: IgnoredLoadBalancerOptions
    @OptionGroup(visibility: .private) var ignored3: IgnoredDryRunOptions
    @OptionGroup var output: JSONOptions

    func settings(from resolver: SettingsResolver) throws(SettingsError) -> (role: RoleSettings, deadline: Duration) {
        (try RoleSettings(resolver), try resolver.seconds(.deadline))
    }

    func run(_ settings: (role: RoleSettings, deadline: Duration), in runtime: HookRuntime) async throws {
        let role = settings.role
        let decision = try await RoleElection(route53: runtime.route53, identity: runtime.identity, time: runtime.time, logger: runtime.logger)
            .run(
                role.registry.target, group: role.group, servers: role.servers, expiry: role.registry.expiry,
                waiting: .upTo(settings.deadline))
        if output.json {
            print(
                JSONWriter.write(
                    .object([
                        ("role", .string(decision.role.rawValue)), ("group", .string(role.group)), ("servers", .int(role.servers)),
                        ("join", .array(decision.join.map(JSONWriter.Node.string))),
                    ])))
        } else {
            print(([decision.role.rawValue] + decision.join).joined(separator: " "))
        }
    }
}
