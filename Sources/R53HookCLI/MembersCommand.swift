import AWSKit
import ArgumentParser
import R53HookKit

/// `r53hook members`.
struct MembersCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "members",
        abstract: "List the registry: every member with its address, role, heartbeat age and whether it is live.",
        discussion: """
            Members are the record pairs r53hook made: each weighted record NAME TYPE with the mark \
            beside it (TXT _r53hook-TYPE.NAME, same SetIdentifier). A member is live when its last \
            heartbeat is at most --expiry seconds old, or when it sends no heartbeats at all (then \
            only `sweep`, asking EC2, can tell). RECORD is ok when the address record matches its \
            mark, missing or differs otherwise. Records without a mark are listed apart: r53hook \
            never touches them. So are foreign marks, which fail validation (a time out of range, \
            an address that is not an IP, ...): forged or damaged, they are never counted, judged \
            or deleted.
            """)

    @OptionGroup(title: "Config file and hosted zone") var zone: ZoneOptions
    @OptionGroup(title: "Record") var record: RecordOptions
    @OptionGroup(title: "Registry") var registry: RegistryOptions
    @OptionGroup(title: "AWS and logging") var aws: AWSOptions
    @OptionGroup(visibility: .private) var ignored0: IgnoredRecordValueOptions
    @OptionGroup(visibility: .private) var ignored1: IgnoredQuorumOptions
    @OptionGroup(visibility: .private) var ignored2: IgnoredLoadBalancerOptions
    @OptionGroup(visibility: .private) var ignored3: IgnoredDryRunOptions
    @OptionGroup var output: JSONOptions

    func settings(from resolver: SettingsResolver) throws(SettingsError) -> RegistryReadSettings {
        try RegistryReadSettings(resolver)
    }

    func run(_ settings: RegistryReadSettings, in runtime: HookRuntime) async throws {
        // Dual-stack, each type has its own registry: one listing each (a JSON array of them).
        var texts: [String] = []
        var nodes: [JSONWriter.Node] = []
        for target in settings.target.perRecordType {
            let registry = try await MemberRegistry.of(target, route53: runtime.route53)
            let snapshot = try await registry.snapshot()
            // This instance: its set identifier, or any mark naming its instance id.
            let instanceId = try? await runtime.identity.instanceId()
            let setIdentifier = target.setIdentifier ?? instanceId
            let me = Set(
                snapshot.members.filter { $0.setIdentifier == setIdentifier || (instanceId != nil && $0.mark.instanceId == instanceId) }
                    .map(\.setIdentifier))
            let now = Int(runtime.time.wallClock.seconds)
            let expiry = settings.expiry
            texts.append(MembersFormatter.text(snapshot, registry: registry, me: me, now: now, expiry: expiry))
            nodes.append(MembersFormatter.jsonNode(snapshot, registry: registry, me: me, now: now, expiry: expiry))
        }
        if output.json {
            print(JSONWriter.write(nodes.count == 1 ? nodes[0] : .array(nodes)))
        } else {
            print(texts.joined(separator: "\n\n"))
        }
    }
}
