import AWSKit
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// `watch`: the thin driver around `WatchPolicy`. It polls IMDS every `pollInterval`, logs each
/// change of what IMDS says and each change of verdict (one line each, and a `STATUS=`), and
/// makes the fleet match the verdict: join as `start`, leave as `stop`, or leave at once with the
/// drain cut to EC2's time. A failed join or leave is logged and tried again at the next poll
/// after `retryAfter`. While joined it refreshes the registry mark every `heartbeatEvery`.
package struct InstanceWatch: Sendable {
    private let context: FleetContext
    private let renewed: (@Sendable () async throws -> FleetContext)?
    private let reader: InstanceSignalReader
    private let notifier: SystemdNotifier
    private let heartbeat: (@Sendable () async throws -> Void)?
    private let settings: WatchSettings
    private let retryAfter: Duration
    private let lifecycle: LifecycleActions?
    private let healthProbe: (any HealthProbe)?
    private let report: (@Sendable (WatchReport) -> Void)?
    /// What has been done, read by `shutDown` after a signal ended `run`.
    package let membership: WatchMembership

    /// Creates the driver; `heartbeat` refreshes the registry mark (nil without a record).
    /// `renewed` gives the context for each join and leave: a fresh `--deadline` each time, since
    /// a deadline counted from the process's start would have passed long before.
    package init(
        context: FleetContext, renewed: (@Sendable () async throws -> FleetContext)? = nil, reader: InstanceSignalReader, notifier: SystemdNotifier, settings: WatchSettings,
        heartbeat: (@Sendable () async throws -> Void)?, retryAfter: Duration = .seconds(30), membership: WatchMembership = WatchMembership(),
        lifecycle: LifecycleActions? = nil, healthProbe: (any HealthProbe)? = nil,
        report: (@Sendable (WatchReport) -> Void)? = nil
    ) {
        self.report = report
        self.lifecycle = lifecycle
        self.healthProbe = settings.health == nil ? nil : healthProbe
        if self.healthProbe != nil { membership.health = .unknown }
        self.context = context
        self.renewed = renewed
        self.reader = reader
        self.notifier = notifier
        self.settings = settings
        self.heartbeat = heartbeat
        self.retryAfter = retryAfter
        self.membership = membership
    }

    private var logger: Logger { context.logger }

    private func operationContext() async throws -> FleetContext {
        try await renewed?() ?? context
    }
    private var time: any TimeSource { context.time }

    /// Watches until cancelled (a signal). The first poll and the first action happen before
    /// `READY=1`; their failure ends the run with that error, as `start`'s would.
    package func run() async throws {
        let notifier = self.notifier
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let interval = notifier.watchdogInterval {
                group.addTask {
                    while !Task.isCancelled {
                        notifier.watchdog()
                        try await Task.sleep(for: interval)
                    }
                }
            }
            if let probe = healthProbe, let health = settings.health {
                group.addTask { try await self.checkHealth(probe, health) }
            }
            group.addTask { try await self.poll() }
            try await group.next()
            group.cancelAll()
        }
    }

    private func poll() async throws {
        var signals = try await reader.read()
        membership.lifecycleState = signals.lifecycleState
        logger.info("watching: IMDS says \(signals.summary)")
        if let lifecycle, let state = signals.lifecycleState {
            do {
                try await lifecycle.findNewLaunchAfterRestart(into: state)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.warning(
                    "cannot ask Auto Scaling whether a new launch action waits (\(error)); trusting this watch's record that the launch was completed. If the instance went to Standby and back while no watch ran, its new launch action ends at the hook's timeout, with its default result"
                )
            }
        }
        var verdict = settings.policy.verdict(for: signals, now: time.wallClock, previous: nil, health: membership.health)
        membership.set(verdict)
        logger.info("decision: \(verdict.summary)")
        try await keepingSystemdWaiting { [verdict, signals] in try await self.apply(verdict, signals: signals) }
        notifier.ready(status(verdict))
        write(verdict, signals)
        var retryAt: Duration?
        var readFailing = false
        var heartbeatAt = time.monotonicNow + settings.heartbeatEvery
        var holdNoted = false
        // Scheduled events and rebalance recommendations: every 5th poll (see InstanceSignalReader).
        let slowEvery = 5
        var polls = 0
        while true {
            try await time.sleep(for: settings.pollInterval)
            polls += 1
            do {
                let next = try await reader.read(slow: polls % slowEvery == 0, previous: signals)
                if readFailing { logger.info("IMDS answers again") }
                readFailing = false
                if next != signals {
                    logger.info("IMDS now says \(next.summary)")
                    write(verdict, next)
                }
                if let state = next.lifecycleState, state != signals.lifecycleState { lifecycle?.entered(state) }
                signals = next
                membership.lifecycleState = next.lifecycleState
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if !readFailing { logger.warning("cannot read IMDS (\(error)); keeping the last verdict and trying again every \(settings.pollInterval.wholeSecondsText)") }
                readFailing = true
            }
            let next = settings.policy.verdict(for: signals, now: time.wallClock, previous: verdict, health: membership.health)
            if next != verdict {
                logger.notice("decision: \(verdict.summary) -> \(next.summary)")
                verdict = next
                membership.set(verdict)
                notifier.status(status(verdict))
                write(verdict, signals)
                retryAt = nil
            }
            if !verdict.isOut, let reason = HoldFile(path: settings.join.holdFile).holdReason() {
                if !holdNoted { logger.notice("not joining: \(reason). Remove the file to let this instance join.") }
                holdNoted = true
                continue
            }
            holdNoted = false
            if !matches(verdict, signals: signals), retryAt.map({ time.monotonicNow >= $0 }) ?? true {
                do {
                    try await apply(verdict, signals: signals)
                    notifier.status(status(verdict))
                    retryAt = nil
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    logger.error("\(error); trying again in \(retryAfter.wholeSecondsText)")
                    retryAt = time.monotonicNow + retryAfter
                }
            }
            if let heartbeat, case .joined = membership.place, time.monotonicNow >= heartbeatAt {
                heartbeatAt = time.monotonicNow + settings.heartbeatEvery
                do {
                    try await heartbeat()
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    logger.warning("heartbeat failed: \(error)")
                }
            }
        }
    }

    /// Runs the local health check every interval, damped by rise and fall; each change of state
    /// is a logged decision (acted on at the next poll), each failure while healthy a warning.
    private func checkHealth(_ probe: any HealthProbe, _ health: HealthCheckSettings) async throws {
        var gate = HealthGate(rise: health.rise, fall: health.fall)
        while true {
            let passed = await probe.check()
            try Task.checkCancellation()
            let change = gate.record(passed: passed)
            if let change {
                membership.health = change
                switch change {
                case .healthy: logger.notice("local health check passes (\(probe.description)): the instance may serve")
                case .unhealthy:
                    logger.warning("local health check failed \(health.fall) times in a row (\(probe.description)): taking the instance out of the answers (\(settings.policy.onUnhealthy.rawValue))")
                case .unknown: break
                }
            } else if !passed, gate.state == .healthy {
                logger.warning("local health check failed (\(probe.description))")
            }
            try await time.sleep(for: health.interval)
        }
    }

    /// Whether the fleet already matches the verdict, its lifecycle action answered.
    private func matches(_ verdict: WatchVerdict, signals: InstanceSignals) -> Bool {
        if lifecycleActionDue(verdict, signals: signals) && !membership.lifecycleAnswered { return false }
        switch (verdict, membership.place) {
        case (.serve, .joined(weightZero: false)), (.serveAtWeightZero, .joined(weightZero: true)): return true
        case (.stayOut, .out), (.leaveUrgently, .out): return true
        default: return false
        }
    }

    /// Whether a lifecycle action goes with the verdict: serving in `InService` (after a launch),
    /// staying out in the warm pool (`Warmed:*`: the launch into the pool waits for it too),
    /// leaving for good in `Terminated`, or leaving for a spot notice during a launch (into
    /// service or the pool: abandoned) or a termination (the group terminating the instance it
    /// was told EC2 takes: CONTINUE), when hooks are configured.
    private func lifecycleActionDue(_ verdict: WatchVerdict, signals: InstanceSignals) -> Bool {
        guard lifecycle != nil else { return false }
        switch verdict {
        case .serve, .serveAtWeightZero: return signals.lifecycleState == "InService"
        case .stayOut(_, let final):
            if final { return signals.lifecycleState == "Terminated" }
            return signals.lifecycleState?.hasPrefix("Warmed:") == true
        case .leaveUrgently: return Self.isLaunchTarget(signals.lifecycleState) || signals.lifecycleState == "Terminated"
        }
    }

    /// Whether `state` is where a launch leads (`InService`, `Warmed:*`), so that a launch
    /// action may be pending while IMDS says it.
    private static func isLaunchTarget(_ state: String?) -> Bool {
        guard let state else { return false }
        return state == "InService" || state.hasPrefix("Warmed:")
    }

    /// Makes the fleet match the verdict, and answers its lifecycle action.
    private func apply(_ verdict: WatchVerdict, signals: InstanceSignals) async throws {
        let lifecycleDue = lifecycleActionDue(verdict, signals: signals) && !membership.lifecycleAnswered
        switch verdict {
        case .serve, .serveAtWeightZero:
            let weightZero = verdict != .serve
            if membership.place != .joined(weightZero: weightZero) {
                var join = settings.join
                if weightZero { join.target.record?.weight = 0 }
                let joinContext = try await operationContext()
                let joining = join
                guard case .done(let outcome) = try await watchingSpot("joining", leaving: false, { try await JoinFleet(context: joinContext).run(joining) })
                else { return }
                if outcome.heldBecause != nil {
                    membership.set(.out)
                    return
                }
                membership.set(.joined(weightZero: weightZero))
                membership.leaveProgress.reset()
                logger.info(weightZero ? "joined at weight 0" : "joined")
            }
            if lifecycleDue, let lifecycle {
                try await lifecycle.launched(into: "InService")
                membership.lifecycleAnswered = true
            }
        case .stayOut:
            if lifecycleDue, let lifecycle, let state = signals.lifecycleState, state.hasPrefix("Warmed:") {
                try await leaveIfIn()
                try await lifecycle.launched(into: state)
                membership.lifecycleAnswered = true
            } else if lifecycleDue, let lifecycle {
                try await lifecycle.terminating { try await self.leaveIfIn() }
                membership.lifecycleAnswered = true
            } else {
                try await leaveIfIn()
            }
        case .leaveUrgently(_, let goneBy):
            if membership.place != .out {
                let cutAt = goneBy.adding(seconds: -settings.spotMargin.seconds)
                _ = try await UrgentLeave(context: try await operationContext()).run(settings.leave, cutAt: cutAt)
                membership.set(.out)
                logger.info("left before \(goneBy); staying out")
            }
            if lifecycleDue { try await answerAfterUrgentLeave("came before the launch's action was answered") }
        }
    }

    /// After an urgent leave, the lifecycle action the spot notice left unanswered: the group
    /// terminating the instance (`Terminated`: CONTINUE at once, since AWS asks that the action
    /// of a terminating spot instance still be completed and the leave is over), or a launch
    /// (ABANDON, below).
    private func answerAfterUrgentLeave(_ when: String) async throws {
        guard let lifecycle, !membership.lifecycleAnswered, membership.lifecycleState == "Terminated" else {
            return try await abandonInterruptedLaunch(when)
        }
        try await lifecycle.terminating {}
        membership.lifecycleAnswered = true
    }

    /// After the urgent leave for a spot notice that came while a launch action was pending
    /// (`InService` not yet joined and answered, or `Warmed:*`): ABANDON it, once (the ledger
    /// keeps it, under the same target state as a CONTINUE, so never both). AWS's lifecycle
    /// hook guide: a hook does not keep EC2 from taking a spot instance, the action must still
    /// be completed, and ABANDON lets the group terminate and replace the instance at once
    /// (CONTINUE would put into service an instance that is out of the fleet and about to go;
    /// waiting leaves the group short until the hook's timeout, an hour by default).
    private func abandonInterruptedLaunch(_ when: String) async throws {
        guard let lifecycle, !membership.lifecycleAnswered, let state = membership.lifecycleState, Self.isLaunchTarget(state) else { return }
        try await lifecycle.abandonLaunch(
            into: state, because: "a spot interruption notice \(when): EC2 takes the instance whatever the hook says, so the group may replace it now")
        membership.lifecycleAnswered = true
    }

    /// `answerAfterUrgentLeave` where a failure cannot be retried by the polling loop's next
    /// try (after an interrupted join, at shutdown): logged, and the hook's timeout decides.
    /// `launchOnly` when a termination's leave was what the notice interrupted: that leave's
    /// own `LifecycleActions.terminating` completes the termination, once.
    private func answerAfterUrgentLeaveLogging(_ when: String, launchOnly: Bool = false) async throws {
        do {
            if launchOnly {
                try await abandonInterruptedLaunch(when)
            } else {
                try await answerAfterUrgentLeave(when)
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.error("cannot answer the lifecycle action after the spot notice (\(error)); the hook's default result applies when its timeout ends")
        }
    }

    /// Leaves as `stop` does, unless already out.
    private func leaveIfIn() async throws {
        guard membership.place != .out else { return }
        guard try await leaveWatchingSpot() else { return }
        membership.set(.out)
        logger.info("left; staying out")
    }

    /// Leaves as `stop` does while reading the spot notice; false when a notice cut it short
    /// (the instance then left urgently and is out).
    private func leaveWatchingSpot() async throws -> Bool {
        let leaveContext = try await operationContext()
        let leave = settings.leave
        let progress = membership.leaveProgress
        let race = try await watchingSpot("leaving", leaving: true, progress: progress) {
            _ = try await LeaveFleet(context: leaveContext).run(leave, strictQuorum: false, progress: progress)
        }
        if case .done = race { return true }
        return false
    }

    /// How a join or leave raced against the spot notice.
    private enum SpotRace<Value: Sendable>: Sendable {
        /// The operation ended first, with its value.
        case done(Value)
        /// A notice came first: the operation was cancelled and the instance left urgently.
        case interrupted
    }

    /// Runs a join or a normal leave while reading the spot notice every poll interval (one
    /// GET, as the polling loop that would otherwise read it is waiting for the operation: a
    /// quorum wait, INSYNC, a drain can outlast the notice's two minutes). A notice that comes
    /// first cancels the operation (a join is abandoned; a leave's quorum wait and drain end
    /// there) and the instance leaves as for a spot notice: no quorum, the drain cut to end
    /// `--spot-margin` before EC2's time. `progress` is the leave's, so that the urgent leave
    /// waits out the rest of a DNS drain the leave had started.
    private func watchingSpot<Value: Sendable>(
        _ what: String, leaving: Bool, progress: LeaveProgress? = nil, _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> SpotRace<Value> {
        if case .leaveUrgently? = membership.verdict { return .done(try await operation()) }
        let reader = self.reader
        let time = self.time
        let interval = settings.pollInterval
        let first: SpotRace<Value>? = try await withThrowingTaskGroup(of: (Value?, SpotInterruption?).self) { group in
            group.addTask { (try await operation(), nil) }
            group.addTask {
                while true {
                    try await time.sleep(for: interval)
                    if let notice = try? await reader.readSpot() { return (nil, notice) }
                }
            }
            defer { group.cancelAll() }
            guard let (value, notice) = try await group.next() else { return nil }
            if let value { return .done(value) }
            if let notice {
                group.cancelAll()
                // The operation must have stopped before the urgent leave starts.
                while (try? await group.next()) != nil {}
                try await leaveUrgently(
                    interrupting: what, cutting: leaving ? "skipping the rest of the leave's waits" : "abandoning the join",
                    notice: notice, leaving: leaving, interrupted: progress?.recordDeletion)
                return .interrupted
            }
            return nil
        }
        guard let first else { throw CancellationError() }
        return first
    }

    /// Leaves at once for a spot notice that interrupted a join or a leave. When the leave had
    /// already deleted the record (`interrupted`), the urgent leave waits for the rest of that
    /// drain beside the load balancer's, cut at the same time; when that deletion is not known
    /// (its answer never came) and nothing was left to remove, a whole drain from now is waited
    /// here, cut likewise. `cutting` says what the notice cuts short, for the log line.
    private func leaveUrgently(
        interrupting what: String, cutting: String, notice: SpotInterruption, leaving: Bool, interrupted: LeaveProgress.RecordDeletion? = nil
    ) async throws {
        var signals = InstanceSignals()
        signals.spot = notice
        membership.set(settings.policy.verdict(for: signals, now: time.wallClock, previous: membership.verdict))
        let cutAt = notice.time.adding(seconds: -settings.spotMargin.seconds)
        logger.warning(
            "spot interruption notice (\(notice.action) at \(notice.time)) while \(what): \(cutting); leaving at once, out before \(cutAt)"
        )
        let outcome = try await UrgentLeave(context: try await operationContext()).run(settings.leave, cutAt: cutAt, interrupted: interrupted)
        membership.set(.out)
        if leaving, outcome.foundNothing, let ttl = settings.leave.record?.ttl {
            let started = time.monotonicNow
            let rest = InterruptedDrain(fullDrain: .seconds(ttl) + settings.leave.drainExtra, now: time.wallClock, cutAt: cutAt)
            try await time.sleep(for: rest.wait)
            if rest.isCut {
                logger.warning(
                    "drain cut after \((time.monotonicNow - started).wholeSecondsText) more: the instance must be out before \(cutAt) (EC2's notice time minus the margin); resolvers that still hold the address may reach it until it goes"
                )
            }
        }
        logger.info("left before \(notice.time); staying out")
        try await answerAfterUrgentLeaveLogging("came while \(what)", launchOnly: true)
    }

    /// After SIGTERM: leave as `stop` does (or, when EC2's time is set, at once with the drain
    /// cut), telling systemd it is stopping and to wait while the drain lasts.
    package func shutDown(signalName: String) async throws {
        let verdict = membership.verdict
        notifier.stopping("\(signalName): leaving")
        if let lifecycle, case .stayOut(_, final: true)? = verdict, !membership.lifecycleAnswered {
            logger.notice("\(signalName) while Auto Scaling terminates this instance: leaving and completing the lifecycle action")
            try await keepingSystemdWaiting { try await lifecycle.terminating { try await self.leaveIfIn() } }
            membership.lifecycleAnswered = true
            return
        }
        var lastSignals = InstanceSignals()
        lastSignals.lifecycleState = membership.lifecycleState
        if let verdict, lifecycle != nil, !membership.lifecycleAnswered, lifecycleActionDue(verdict, signals: lastSignals) {
            if case .leaveUrgently = verdict {
                // Answered below, once the urgent leave is over.
            } else if let notice = try? await reader.readSpot() {
                logger.notice("\(signalName) before the launch's lifecycle action was answered, and EC2 has sent a spot interruption notice")
                try await keepingSystemdWaiting {
                    try await self.leaveUrgently(
                        interrupting: "stopping on \(signalName)", cutting: "no quorum wait", notice: notice, leaving: false)
                }
                return
            } else if let lifecycle, let state = membership.lifecycleState, Self.isLaunchTarget(state), !lifecycle.hasAnsweredLaunch(into: state) {
                logger.notice(
                    "\(signalName) before the launch's lifecycle action (hook \(settings.lifecycleHooks.joined(separator: ", "))) was answered: leaving it pending. CONTINUE would tell Auto Scaling that this instance is ready to serve while it leaves the fleet; ABANDON would make the group terminate and replace it, which a restart of this service or a reboot must not do. A watch started again joins and completes it; otherwise the group applies the hook's default result when its heartbeat timeout ends"
                )
            }
        }
        if membership.place == .out {
            if case .leaveUrgently? = verdict { try await answerAfterUrgentLeaveLogging("came before the launch's action was answered") }
            logger.info("\(signalName): already out of the fleet; exiting")
            return
        }
        logger.notice("\(signalName): leaving the fleet before exiting")
        try await keepingSystemdWaiting {
            if case .leaveUrgently(_, let goneBy)? = verdict {
                _ = try await UrgentLeave(context: try await operationContext()).run(settings.leave, cutAt: goneBy.adding(seconds: -settings.spotMargin.seconds))
                try await self.answerAfterUrgentLeaveLogging("came before the launch's action was answered")
            } else {
                _ = try await self.leaveWatchingSpot()
            }
        }
        membership.set(.out)
    }

    /// Runs `body` while telling systemd every 10 s to wait 30 s more, so a long join or drain
    /// is not killed by a fixed timeout while it makes progress (the drain's own bounds, the
    /// deadline and the TTL, still end it).
    private func keepingSystemdWaiting<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        guard notifier.socketPath != nil else { return try await body() }
        let notifier = self.notifier
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                // Every 10 s (or the watchdog's half-interval, when shorter): 30 s more, and
                // the watchdog's ping, since the polling loop that pings it is not running now.
                let period = min(.seconds(10), notifier.watchdogInterval ?? .seconds(10))
                while !Task.isCancelled {
                    notifier.extendTimeout(by: .seconds(30))
                    if notifier.watchdogInterval != nil { notifier.watchdog() }
                    try? await Task.sleep(for: period)
                }
                return nil
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let next { return next }
            }
            throw CancellationError()
        }
    }

    /// Keeps what was seen and decided for `status`.
    private func write(_ verdict: WatchVerdict, _ signals: InstanceSignals) {
        guard let report else { return }
        let health: String?
        switch healthProbe == nil ? nil : membership.health {
        case nil: health = nil
        case .unknown?: health = "waiting for the first pass"
        case .healthy?: health = "passing"
        case .unhealthy?: health = "failing"
        }
        report(WatchReport(updated: time.wallClock, pid: Int(getpid()), verdict: verdict.summary, signals: signals.summary, health: health))
    }

    private func status(_ verdict: WatchVerdict) -> String {
        "\(verdict.summary); polling IMDS every \(settings.pollInterval.wholeSecondsText)"
    }
}
