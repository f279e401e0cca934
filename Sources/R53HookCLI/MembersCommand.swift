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

    @OptionGroup var options: RecordOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds after which a heartbeat counts as expired.", valueName: "seconds"))
    var expiry = 120

    func validate() throws {
        if expiry < 1 { throw ValidationError("--expiry must be at least 1 second") }
    }

    func run() async throws {
        try await withRuntime { runtime in
            let registry = try await MemberRegistry.of(runtime.settings, route53: runtime.route53)
            let snapshot = try await registry.snapshot()
            // This instance: its set identifier, or any mark naming its instance id.
            let instanceId = try? await runtime.identity.instanceId()
            let setIdentifier = runtime.settings.setIdentifier ?? instanceId
            let me = Set(
                snapshot.members.filter { $0.setIdentifier == setIdentifier || (instanceId != nil && $0.mark.instanceId == instanceId) }
                    .map(\.setIdentifier))
            let now = Int(runtime.time.wallClock.seconds)
            print(
                json
                    ? MembersFormatter.json(snapshot, registry: registry, me: me, now: now, expiry: expiry)
                    : MembersFormatter.text(snapshot, registry: registry, me: me, now: now, expiry: expiry))
        }
    }
}
