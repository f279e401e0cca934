import AWSKit
import Logging

/// `stop` (and the first half of `cycle`): check the quorum, then leave the weighted record and
/// the load balancer at the same time, and wait for both drains.
package struct LeaveFleet: Sendable {
    /// What leaving did.
    package struct Outcome: Sendable {
        /// What happened with the DNS record, when DNS is configured.
        package var record: LeaveRecordSet.Outcome?
        /// How long the load balancer drained, when one is configured.
        package var loadBalancerDrained: Duration?
        /// Whether the instance left without the quorum (stop with --on-no-quorum proceed).
        package var leftWithoutQuorum = false
        /// `--dry-run`: what would be done.
        package var plan = DryRunPlan()
    }

    private let context: FleetContext

    /// Creates the use case.
    package init(context: FleetContext) {
        self.context = context
    }

    /// Leaves. With `strictQuorum` (cycle), a missing quorum is always an error and nothing
    /// changes; otherwise `settings.onNoQuorum` decides.
    ///
    /// With a quorum, the check and the leave itself (DELETE, deregister) run under a lock named
    /// after the record or load balancer, so concurrent leavers take turns: each sees the ones
    /// before it already gone. The drains run after the lock is released.
    ///
    /// `progress` learns when the record was deleted and when the deletion was INSYNC, for a
    /// caller (`watch`) that may cancel the leave and must still wait out the rest of its drain:
    /// a leave that finds the record gone, deleted by an earlier leave in `progress`, waits the
    /// rest of that drain (a SIGTERM during Standby's drain leaves again on the way out).
    package func run(_ settings: LeaveSettings, strictQuorum: Bool, progress: LeaveProgress? = nil) async throws -> Outcome {
        var outcome = Outcome()
        let loadBalancer = context.loadBalancer
        let instanceId = loadBalancer == nil ? nil : try await context.identity.instanceId()

        if settings.dryRun {
            if let loadBalancer, let instanceId {
                outcome.plan.steps.append(.deregister(instanceId: instanceId, loadBalancer: "\(loadBalancer)"))
            }
            if settings.record != nil, case .planned(let plan) = try await context.leaveRecordSet.delete(settings) {
                outcome.record = .planned(plan)
                outcome.plan.steps.append(.records(plan))
            }
            return outcome
        }

        let calls = try await leaveUnderQuorum(settings, strictQuorum: strictQuorum, instanceId: instanceId, progress: progress)
        outcome.leftWithoutQuorum = calls.leftWithoutQuorum

        // Both drains run at once; each finishes even when the other fails, and the first
        // failure is reported after both.
        let context = self.context
        let time = context.time
        let markInSync: (@Sendable () -> Void)?
        if let progress { markInSync = { progress.inSync(at: time.monotonicNow) } } else { markInSync = nil }
        // The record already gone: an earlier leave of this process deleted it, drain unfinished.
        let unfinished: LeaveProgress.RecordDeletion? =
            if case .notFound? = calls.deletion { progress?.recordDeletion } else { nil }
        let extra = settings.drainExtra
        let results = await withTaskGroup(of: LeaveResult.self) { group in
            if let unfinished {
                group.addTask {
                    .record(
                        await Result {
                            try await context.waitRestOfDrain(unfinished, extra: extra, deletedBy: "an earlier leave of this process")
                            return .notFound
                        })
                }
            }
            if let deletion = calls.deletion {
                group.addTask { .record(await Result { try await context.leaveRecordSet.finish(deletion, settings: settings, onInSync: markInSync) }) }
            }
            if let loadBalancer, let instanceId, let drainTime = calls.loadBalancerDrainTime {
                group.addTask {
                    .loadBalancer(
                        await Result {
                            // The load balancer's own draining time bounds the wait, plus a margin for its bookkeeping.
                            try await context.loadBalancerWaiter.waitDrained(
                                loadBalancer, instanceId: instanceId,
                                bound: drainTime + .seconds(15))
                        })
                }
            }
            var all: [LeaveResult] = []
            for await result in group { all.append(result) }
            return all
        }
        var failure: (any Error)?
        for result in results {
            switch result {
            case .record(.success(let record)): outcome.record = record
            case .loadBalancer(.success(let drained)): outcome.loadBalancerDrained = drained
            case .record(.failure(let error)), .loadBalancer(.failure(let error)): failure = failure ?? error
            }
        }
        if calls.loadBalancerDrainTime == nil, loadBalancer != nil { outcome.loadBalancerDrained = .zero }
        if let failure { throw failure }
        return outcome
    }

    /// What the leave calls did, before any draining.
    private struct LeaveCalls: Sendable {
        var deletion: LeaveRecordSet.Deletion?
        /// The load balancer's draining time, when the instance was deregistered.
        var loadBalancerDrainTime: Duration?
        var leftWithoutQuorum = false
    }

    private func leaveUnderQuorum(_ settings: LeaveSettings, strictQuorum: Bool, instanceId: String?, progress: LeaveProgress?) async throws -> LeaveCalls {
        let context = self.context
        let checkAndLeave: @Sendable () async throws -> LeaveCalls = {
            var calls = LeaveCalls()
            if let quorum = settings.quorum {
                let checks = try await Self.quorumChecks(settings, context: context)
                let gate = QuorumGate(rule: quorum.rule, time: context.time, logger: context.logger)
                if try await !gate.waitForQuorum(checks, interval: quorum.interval, timeout: quorum.timeout) {
                    if strictQuorum || quorum.onNoQuorum == .fail {
                        throw DomainError(
                            .quorumNotReached,
                            "leaving would take the fleet below its quorum and it did not recover within \(quorum.timeout.wholeSecondsText); nothing was changed")
                    }
                    context.logger.warning(
                        "LEAVING WITHOUT QUORUM: the fleet stays below its quorum after \(quorum.timeout.wholeSecondsText) and this machine is stopping anyway (\(RemedyWording.current.name(of: .onNoQuorum)) proceed); an instance that stays registered while it dies would be worse"
                    )
                    calls.leftWithoutQuorum = true
                }
            }
            if settings.record != nil {
                let deletion = try await context.leaveRecordSet.delete(settings)
                progress?.deleted(deletion, at: context.time.monotonicNow)
                calls.deletion = deletion
            }
            if let loadBalancer = context.loadBalancer, let instanceId {
                calls.loadBalancerDrainTime = try await Self.deregister(loadBalancer, instanceId: instanceId, context: context)
            }
            return calls
        }

        guard let quorum = settings.quorum else { return try await checkAndLeave() }
        guard let lockZone = quorum.lockZone else {
            let wording = RemedyWording.current
            let unlocked = wording.name(of: .noQuorumLock)
            context.logger.warning(
                "checking the quorum without the fleet-wide lock (\(unlocked), or no hosted zone to keep it in): instances leaving at the same moment may all see the quorum and dip below it. Give \(wording.name(of: .zoneId)) or \(wording.name(of: .zoneName)), without \(unlocked), to make them take turns"
            )
            return try await checkAndLeave()
        }
        let zone = try await ZoneResolver(route53: context.route53).resolve(lockZone)
        let store = LockStore(route53: context.route53, time: context.time, zone: zone, lockName: Self.quorumLockName(settings.target))
        let owner = try await context.identity.setIdentifier(settings.target)
        let lock = FleetLock(store: store, time: context.time, logger: context.logger)
        // --deadline bounds every wait of the command: a lock orphaned by a crashed leaver
        // (30 s lease) must not keep a stop with a shorter deadline waiting past it.
        let lockWait = min(quorum.timeout + .seconds(60), settings.deadline)
        return try await lock.withLock(
            owner: owner, lease: .seconds(30), waiting: .upTo(lockWait),
            purpose: "checking the quorum and leaving",
            ifLost: { lost in
                DomainError(.lockLost, "lost the quorum lock while leaving (\(lost.reason)); the fleet may briefly dip below its quorum")
            }, checkAndLeave)
    }

    /// One lock per record or load balancer: leavers of the same fleet take turns.
    static func quorumLockName(_ target: FleetTarget) -> String {
        let subject: String
        switch target.loadBalancer {
        case .classic(let name)?: subject = "elb-\(name)"
        case .targetGroup(let arn, _)?: subject = "tg-" + (arn.split(separator: "/").dropFirst().first.map(String.init) ?? "group")
        case nil: subject = "dns-" + (target.record.map { $0.recordName + $0.recordType.rawValue } ?? "fleet")
        }
        return LockStore.name(from: "quorum-" + subject)
    }

    private enum LeaveResult: Sendable {
        case record(Result<LeaveRecordSet.Outcome, any Error>)
        case loadBalancer(Result<Duration, any Error>)
    }

    /// Deregisters, and returns the load balancer's draining time (nil when not registered).
    private static func deregister(
        _ loadBalancer: any LoadBalancerMembership, instanceId: String,
        context: FleetContext
    ) async throws -> Duration? {
        let drainTime = try await loadBalancer.drainTimeout()
        guard let member = try await loadBalancer.member(instanceId: instanceId) else {
            context.logger.info("\(instanceId) is not registered with \(loadBalancer); nothing to deregister")
            return nil
        }
        if member.health == .draining {
            // An earlier leave (interrupted, or a stop run twice) deregistered it: the load
            // balancer may refuse a second deregistration, and only the rest of the drain is left.
            context.logger.info("\(instanceId) is already draining from \(loadBalancer); waiting for the rest of it (at most \(drainTime.wholeSecondsText))")
            return drainTime
        }
        try await loadBalancer.deregister(instanceId: instanceId)
        context.logger.info("deregistered \(instanceId) from \(loadBalancer); it drains for up to \(drainTime.wholeSecondsText)")
        return drainTime
    }

    private static func quorumChecks(_ settings: LeaveSettings, context: FleetContext) async throws -> [QuorumGate.Check] {
        var checks: [QuorumGate.Check] = []
        if let loadBalancer = context.loadBalancer {
            let instanceId = try await context.identity.instanceId()
            checks.append(QuorumGate.Check(name: "\(loadBalancer)", leaving: instanceId) { try await loadBalancer.members() })
        }
        if let dns = settings.record {
            let zone = try await ZoneResolver(route53: context.route53).resolve(dns.zone, recordName: dns.recordName)
            let setIdentifier = try await context.identity.setIdentifier(settings.target)
            let members = WeightedSetMembers(route53: context.route53)
            // Dual-stack, each family's set must keep its quorum.
            for type in dns.recordTypes.map(\.rawValue) {
                checks.append(
                    QuorumGate.Check(name: "\(dns.recordName) \(type)", leaving: setIdentifier) {
                        try await members.members(zone: zone, name: dns.recordName, type: type)
                    })
            }
        }
        return checks
    }
}

extension Result where Failure == any Error {
    /// Captures the outcome of an async throwing body.
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
