import AWSKit
import ArgumentParser
import R53HookKit

/// `r53hook watch`.
struct WatchCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Stay running: join, then leave before AWS takes the instance (spot, Auto Scaling, scheduled events), and leave on SIGTERM.",
        discussion: """
            Joins as `start` does (DNS record and/or load balancer), then reads the instance's \
            lifecycle signals from IMDSv2 every --poll-interval seconds and keeps it in or out \
            of the fleet accordingly. Each change of what IMDS says and each decision is one \
            log line and a systemd STATUS= line.

            spot/instance-action: leave at once, no quorum wait; the drain is cut to end \
            --spot-margin seconds before EC2's time (the cut is logged); stay out.
            autoscaling/target-lifecycle-state: Terminated: leave (quorum as configured) and \
            stay out; Warmed:*: never join; Standby, Detached: leave until InService again. \
            With --lifecycle-hook, CONTINUE for the launching hook once joined, and for the \
            terminating hook once left (heartbeats while the leave lasts), each exactly once; \
            a spot notice before the launch's CONTINUE leaves at once, then ABANDONs the launch \
            (the group replaces the instance now); SIGTERM before it leaves the launch pending \
            for the next watch, and says so.
            events/maintenance/scheduled: leave --event-lead seconds before an active event's \
            NotBefore; join again when it is canceled or completed.
            events/recommendations/rebalance: --on-rebalance log, weight-zero or leave.

            While joined it refreshes the registry mark every --expiry/2 seconds (no heartbeat \
            timer needed). On SIGTERM, SIGINT or SIGHUP it leaves as `stop` does (quorum, \
            drain) and exits 0. Each join, leave and heartbeat has its own --deadline.

            Under systemd (Type=notify, r53hook-watch.service) it sends READY=1 once joined \
            (or once it chose to stay out), STATUS=, STOPPING=1, EXTEND_TIMEOUT_USEC every 10 s \
            while a join or a drain lasts, and WATCHDOG=1 when WatchdogSec= is set. It refuses \
            to run (exit 78) while r53hook.service is running: both manage this instance's \
            record from the same configuration and would undo each other. Use one of them.
            """)

    @OptionGroup(title: "Config file and hosted zone") var zone: ZoneOptions
    @OptionGroup(title: "Record") var record: RecordOptions
    @OptionGroup(title: "Record values") var values: RecordValueOptions
    @OptionGroup(title: "Load balancer") var loadBalancer: LoadBalancerOptions
    @OptionGroup(title: "Joining") var joining: JoinOptions
    @OptionGroup(title: "Quorum") var quorum: QuorumOptions
    @OptionGroup(title: "Draining") var draining: DrainOptions
    @OptionGroup(title: "Watching") var watching: WatchOptions
    @OptionGroup(title: "Local health check") var healthCheck: HealthCheckOptions
    @OptionGroup(title: "AWS and logging") var aws: AWSOptions
    @OptionGroup(visibility: .private) var ignored0: IgnoredDryRunOptions

    func settings(from resolver: SettingsResolver) throws(SettingsError) -> WatchSettings {
        try resolver.watch()
    }

    func run(_ settings: WatchSettings, in runtime: HookRuntime) async throws {
        if SystemdUnitActivity.isRunning("r53hook.service") {
            throw SettingsError(
                .configuration,
                "r53hook.service is running: it manages this instance's record and load balancer membership from the same configuration (start at boot, stop at shutdown), so a watch beside it would fight it: its ExecStop would delete what watch keeps, and its start (a reload, a restart) would join again after watch left before an interruption. Run one of them: systemctl disable --now r53hook.service r53hook-heartbeat.timer, then systemctl enable --now r53hook-watch.service"
            )
        }
        let context = try await runtime.fleetContext(settings.join.target)
        var heartbeat: (@Sendable () async throws -> Void)?
        if settings.join.target.record != nil {
            let directory = Self.runtimeDirectory
            let target = settings.join.target
            heartbeat = {
                let fresh = runtime.renewingDeadline()
                _ = try await MemberHeartbeat(
                    route53: fresh.route53, identity: fresh.identity,
                    memo: DirectoryHeartbeatMemo(directory: directory, logger: fresh.logger), time: fresh.time,
                    logger: fresh.logger
                ).run(target)
            }
        }
        let target = settings.join.target
        let statusMemo = DirectoryHeartbeatMemo(directory: Self.runtimeDirectory, logger: runtime.logger)
        let lifecycle = try await lifecycleActions(settings, runtime: runtime)
        let watch = InstanceWatch(
            context: context, renewed: { try await runtime.renewingDeadline().fleetContext(target) }, reader: InstanceSignalReader(metadata: runtime.metadata, logger: runtime.logger),
            notifier: SystemdNotifier(environment: ProcessEnvironment.current()), settings: settings, heartbeat: heartbeat,
            lifecycle: lifecycle, healthProbe: healthProbe(settings, runtime: runtime),
            report: { report in statusMemo.save(key: WatchReport.memoKey, value: report.text) })
        switch try await InterruptWatch.run(checkEvery: .milliseconds(500), { try await watch.run() }) {
        case .finished:
            return
        case .interrupted(let signal):
            try await watch.shutDown(signalName: InterruptWatch.name(of: signal))
        }
    }

    /// The lifecycle hooks to answer, when --lifecycle-hook names some: the group from
    /// --autoscaling-group, the instance's aws:autoscaling:groupName tag, or (a restart after the
    /// group detached the instance, and its tag with it) the group the last run found.
    private func lifecycleActions(_ settings: WatchSettings, runtime: HookRuntime) async throws -> LifecycleActions? {
        guard !settings.lifecycleHooks.isEmpty else { return nil }
        let directory =
            Self.runtimeDirectory
        let memo = DirectoryHeartbeatMemo(directory: directory, logger: runtime.logger)
        let groupKey = "watch-autoscaling-group"
        var group = settings.autoScalingGroup
        if group == nil {
            group = try await runtime.metadata.value(at: "tags/instance/aws:autoscaling:groupName")
            if let group { memo.save(key: groupKey, value: group) }
        }
        guard let group = group ?? memo.load(key: groupKey) else {
            runtime.logger.error(
                "--lifecycle-hook is set but the Auto Scaling group is unknown: give --autoscaling-group NAME (R53HOOK_AUTOSCALING_GROUP), or allow tags in instance metadata so that watch reads aws:autoscaling:groupName. Watching without answering lifecycle hooks: the group waits for each hook's timeout"
            )
            return nil
        }
        let instanceId = try await runtime.identity.instanceId()
        return LifecycleActions(
            client: { try await runtime.renewingDeadline().autoScaling() }, group: group, hookNames: settings.lifecycleHooks,
            instanceId: instanceId, ledger: CompletionLedger(memo: memo), time: runtime.time, logger: runtime.logger)
    }

    /// The local health check's probe, when one is configured.
    private func healthProbe(_ settings: WatchSettings, runtime: HookRuntime) -> (any HealthProbe)? {
        guard let health = settings.health else { return nil }
        switch health.check {
        case .url(let url):
            return URLHealthProbe(url: url, http: CurlHTTPClient(userAgent: "r53hook/\(R53HookVersion.current) health-check"), timeout: health.interval)
        case .command(let command):
            return CommandHealthProbe(command: command, timeout: health.interval, time: runtime.time)
        }
    }

    /// systemd's RuntimeDirectory=r53hook sets RUNTIME_DIRECTORY; elsewhere /run/r53hook. The
    /// heartbeat memo, the lifecycle ledger and the report for `status` live there.
    static var runtimeDirectory: String {
        ProcessEnvironment.current()["RUNTIME_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) } ?? "/run/r53hook"
    }
}
