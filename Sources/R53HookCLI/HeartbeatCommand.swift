import AWSKit
import ArgumentParser
import R53HookKit

/// `r53hook heartbeat`.
struct HeartbeatCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat",
        abstract: "Refresh this instance's registry mark with the time now, to show it is alive.",
        discussion: """
            Rewrites the mark beside this instance's record (the TXT record _r53hook-TYPE.NAME with \
            the same SetIdentifier) with one atomic batch [DELETE the exact mark, CREATE it with \
            heartbeat=NOW]. From the first heartbeat on, `members`, `role` and `sweep` judge the \
            member by its heartbeat's age (--expiry, default 120 s), so beat at least twice per \
            expiry: the shipped r53hook-heartbeat.timer beats every 60 s. A beat costs one Route 53 \
            request: the exact [DELETE, CREATE] of the mark the previous beat wrote, remembered in \
            $RUNTIME_DIRECTORY (systemd RuntimeDirectory=r53hook) or /run/r53hook. When that memo \
            is missing or stale (the mark changed) it costs three: the zone lookup, one read, one \
            change.

            It never creates a mark: when this instance is not registered (stopped, never started, \
            or swept) it exits 78 and says so; run `r53hook start` to join again.
            """)

    @OptionGroup(title: "Config file and hosted zone") var zone: ZoneOptions
    @OptionGroup(title: "Record") var record: RecordOptions
    @OptionGroup(title: "AWS and logging") var aws: AWSOptions
    @OptionGroup(visibility: .private) var ignored0: IgnoredRecordValueOptions
    @OptionGroup(visibility: .private) var ignored1: IgnoredQuorumOptions
    @OptionGroup(visibility: .private) var ignored2: IgnoredLoadBalancerOptions
    @OptionGroup(visibility: .private) var ignored3: IgnoredDryRunOptions

    func settings(from resolver: SettingsResolver) throws(SettingsError) -> FleetTarget {
        try resolver.recordTarget()
    }

    func run(_ target: FleetTarget, in runtime: HookRuntime) async throws {
        // systemd's RuntimeDirectory=r53hook sets RUNTIME_DIRECTORY; elsewhere /run/r53hook.
        let directory =
            ProcessEnvironment.current()["RUNTIME_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) }
            ?? "/run/r53hook"
        // Dual-stack, each type's mark beats.
        for single in target.perRecordType {
            _ = try await MemberHeartbeat(
                route53: runtime.route53, identity: runtime.identity,
                memo: DirectoryHeartbeatMemo(directory: directory, logger: runtime.logger), time: runtime.time,
                logger: runtime.logger
            ).run(single)
        }
    }
}
