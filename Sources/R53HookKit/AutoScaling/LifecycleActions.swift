import AWSKit
import Logging

/// The lifecycle actions of this instance's Auto Scaling group that `watch` answers: after a
/// join that follows a launch, CONTINUE for each launching hook; around the leave when the group
/// terminates the instance, heartbeats while the leave lasts (one at its start, then every half
/// heartbeat timeout), then CONTINUE for each terminating
/// hook, exactly once, even when the leave failed (a stranded action would hold the group until
/// its timeout, and a failed leave is logged, not hidden).
package struct LifecycleActions: Sendable {
    private let client: @Sendable () async throws -> AutoScalingClient
    private let group: String
    private let hookNames: [String]
    private let instanceId: String
    private let ledger: CompletionLedger
    private let time: any TimeSource
    private let logger: Logger

    /// Creates the use case; `client` gives a client with a fresh deadline for each use.
    package init(
        client: @escaping @Sendable () async throws -> AutoScalingClient, group: String, hookNames: [String], instanceId: String,
        ledger: CompletionLedger, time: any TimeSource, logger: Logger
    ) {
        self.client = client
        self.group = group
        self.hookNames = hookNames
        self.instanceId = instanceId
        self.ledger = ledger
        self.time = time
        self.logger = logger
    }

    /// After a join in `InService`, or on entering the warm pool (`Warmed:*`, without joining):
    /// CONTINUE for each launching hook not yet answered for that target state.
    package func launched(into targetState: String) async throws {
        for hook in try await pending(LifecycleHook.launching, round: targetState) {
            try await complete(hook, round: targetState)
        }
    }

    /// Whether the ledger has every hook's launch into `targetState` answered (no AWS call): a
    /// watch restarted after an earlier one completed it must not say it is still pending.
    package func hasAnsweredLaunch(into targetState: String) -> Bool {
        hookNames.allSatisfy { ledger.isDone(group: group, hook: $0, instanceId: instanceId, round: targetState) }
    }

    /// For a `watch` (re)started while IMDS says `InService` and the ledger says that launch was
    /// answered: whether Auto Scaling holds a new launch action that the ledger hides. The
    /// instance may have gone to Standby and back while no watch ran; IMDS says `InService`
    /// throughout the new launch (its target state), and the ledger cannot tell the rounds
    /// apart. Auto Scaling's own state can: an instance whose launch hook waits is in
    /// `Pending:Wait` (`Pending` just before), and in `InService` or `Pending:Proceed` once
    /// answered. One DescribeAutoScalingInstances, only in that case; a new action found makes
    /// the ledger forget the old answer, so the join that follows completes the new one, once.
    @discardableResult
    package func findNewLaunchAfterRestart(into targetState: String) async throws -> Bool {
        guard targetState == "InService", hasAnsweredLaunch(into: targetState) else { return false }
        let state = try await client().lifecycleState(instanceId: instanceId)
        guard let state, Self.launchWaiting.contains(state) else { return false }
        ledger.forget(group: group, instanceId: instanceId) { $0 == targetState }
        logger.notice(
            "Auto Scaling says \(instanceId) is \(state) in \(group): a new launch into service (out of Standby while no watch ran) waits for lifecycle hook \(hookNames.joined(separator: ", ")); the one this watch completed before was another. Completing the new one after the join"
        )
        return true
    }

    /// The Auto Scaling lifecycle states of a launch whose lifecycle action is not answered yet.
    private static let launchWaiting: Set<String> = ["Pending", "Pending:Wait"]

    /// The instance's target lifecycle state is now `state`: launches into any other state are
    /// forgotten by the ledger, so that the next launch into one of them (InService again after
    /// Standby, the warm pool again after service) is answered like the first.
    package func entered(_ state: String) {
        ledger.forget(group: group, instanceId: instanceId) { round in
            round != state && round != Self.terminated
        }
    }

    /// When a spot notice interrupted the launch (the join, or the wait in the warm pool) into
    /// `targetState`: ABANDON for each launching hook not yet answered for that target state, so
    /// that Auto Scaling replaces the instance now instead of after the hook's timeout. AWS: a
    /// lifecycle hook does not stop a spot interruption, and the action must still be completed;
    /// ABANDON says the custom action failed and lets the group terminate and replace the
    /// instance, where CONTINUE would put into service one that is out of the fleet and about to
    /// go. Call it once the urgent leave is over: the termination it starts may come at once.
    package func abandonLaunch(into targetState: String, because reason: String) async throws {
        for hook in try await pending(LifecycleHook.launching, round: targetState) {
            try await complete(hook, round: targetState, result: "ABANDON", because: reason)
        }
    }

    /// Runs `leave`, sending a heartbeat at once and every half heartbeat timeout while it lasts, then
    /// completes each terminating hook with CONTINUE; rethrows the leave's error after that.
    package func terminating(_ leave: @escaping @Sendable () async throws -> Void) async throws {
        let hooks: [LifecycleHook]
        do {
            hooks = try await pending(LifecycleHook.terminating, round: Self.terminated)
        } catch {
            logger.error("cannot read the lifecycle hooks of \(group) (\(error)); leaving, and completing the action later")
            try await leave()
            throw error
        }
        guard !hooks.isEmpty else { return try await leave() }
        let beatEvery = (hooks.map(\.heartbeatTimeout).min() ?? .seconds(3600)) / 2
        logger.info(
            "leaving for lifecycle hook \(hooks.map(\.name).joined(separator: ", ")) of \(group): a heartbeat every \(beatEvery.wholeSecondsText) while the leave lasts, then CONTINUE")
        let client = self.client
        let (group, instanceId, logger, time) = (self.group, self.instanceId, self.logger, self.time)
        let leaveError: (any Error)? = await withTaskGroup(of: (any Error)?.self) { tasks in
            tasks.addTask {
                do {
                    try await leave()
                    return nil
                } catch {
                    return error
                }
            }
            tasks.addTask {
                // The first at once: the action's timeout has run since the group decided, and
                // this watch may have seen it up to a poll later.
                var first = true
                while true {
                    if !first {
                        do {
                            try await time.sleep(for: beatEvery)
                        } catch {
                            return nil
                        }
                    }
                    first = false
                    for hook in hooks {
                        do {
                            _ = try await client().recordHeartbeat(group: group, hook: hook.name, instanceId: instanceId)
                            logger.info("lifecycle heartbeat sent for \(hook.name) while leaving")
                        } catch {
                            logger.warning("lifecycle heartbeat for \(hook.name) failed: \(error)")
                        }
                    }
                }
            }
            let first = await tasks.next() ?? nil
            tasks.cancelAll()
            return first
        }
        if let leaveError {
            logger.error("leaving failed (\(leaveError)); completing the lifecycle action all the same, so the group is not held until the hook times out")
        }
        for hook in hooks { try await complete(hook, round: Self.terminated) }
        if let leaveError { throw leaveError }
    }

    /// The target lifecycle state of a termination: its actions' round in the ledger.
    private static let terminated = "Terminated"

    private func pending(_ transition: String, round: String) async throws -> [LifecycleHook] {
        let remaining = hookNames.filter { !ledger.isDone(group: group, hook: $0, instanceId: instanceId, round: round) }
        guard !remaining.isEmpty else { return [] }
        return try await client().lifecycleHooks(group: group, names: remaining).filter { $0.transition == transition }
    }

    private func complete(_ hook: LifecycleHook, round: String, result: String = "CONTINUE", because reason: String? = nil) async throws {
        switch try await client().completeLifecycleAction(group: group, hook: hook.name, instanceId: instanceId, result: result) {
        case .completed:
            logger.notice("lifecycle action \(hook.name) of \(group) completed: \(result)\(reason.map { " (\($0))" } ?? "")")
        case .noActiveAction(let message):
            logger.info("lifecycle hook \(hook.name) of \(group) has no action pending for \(instanceId) (\(message)); nothing to complete")
        }
        ledger.markDone(group: group, hook: hook.name, instanceId: instanceId, round: round)
    }
}
