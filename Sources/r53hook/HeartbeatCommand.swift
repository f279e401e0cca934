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
            expiry: the shipped r53hook-heartbeat.timer beats every 60 s. Each beat costs two \
            Route 53 requests (one read, one change).

            It never creates a mark: when this instance is not registered (stopped, never started, \
            or swept) it exits 78 and says so; run `r53hook start` to join again.
            """)

    @OptionGroup var options: RecordOptions

    func run() async throws {
        try await withRuntime { runtime in
            _ = try await MemberHeartbeat(route53: runtime.route53, identity: runtime.identity, time: runtime.time,
                                          logger: runtime.logger).run(runtime.settings)
        }
    }
}
