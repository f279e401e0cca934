import AWSKit
import Logging

/// `stop` (and the first half of `cycle`): check the quorum, then leave the weighted record and
/// the load balancer at the same time, and wait for both drains.
public struct LeaveFleet: Sendable {
    /// What leaving did.
    public struct Outcome: Sendable {
        /// What happened with the DNS record, when DNS is configured.
        public var record: LeaveRecordSet.Outcome?
        /// How long the load balancer drained, when one is configured.
        public var loadBalancerDrained: Duration?
        /// Whether the instance left without the quorum (stop with --on-no-quorum proceed).
        public var leftWithoutQuorum = false
        /// `--dry-run`: what would be done, in words.
        public var plan: [String] = []
    }

    private let context: FleetContext

    /// Creates the use case.
    public init(context: FleetContext) {
        self.context = context
    }

    /// Leaves. With `strictQuorum` (cycle), a missing quorum is always an error and nothing
    /// changes; otherwise `settings.onNoQuorum` decides.
    public func run(_ settings: HookSettings, strictQuorum: Bool) async throws -> Outcome {
        var outcome = Outcome()
        if let rule = settings.quorum {
            let checks = try await quorumChecks(settings)
            let gate = QuorumGate(rule: rule, time: context.time, logger: context.logger)
            let hasQuorum = try await gate.waitForQuorum(checks, interval: settings.quorumInterval, timeout: settings.quorumTimeout)
            if !hasQuorum {
                if strictQuorum || settings.onNoQuorum == .fail {
                    throw HookError(.temporary,
                                    "leaving would take the fleet below its quorum and it did not recover within \(Int(settings.quorumTimeout.seconds)) s; nothing was changed")
                }
                context.logger.warning("LEAVING WITHOUT QUORUM: the fleet stays below its quorum after \(Int(settings.quorumTimeout.seconds)) s and this machine is stopping anyway (--on-no-quorum proceed); an instance that stays registered while it dies would be worse")
                outcome.leftWithoutQuorum = true
            }
        }

        let loadBalancer = context.loadBalancer
        let instanceId = loadBalancer == nil ? nil : try await context.identity.instanceId()
        if settings.dryRun {
            if let loadBalancer, let instanceId {
                outcome.plan.append("deregister \(instanceId) from \(loadBalancer) and wait while it drains")
            }
            if settings.record != nil, case .planned(let plan) = try await context.leaveRecordSet.run(settings) {
                outcome.record = .planned(plan)
            }
            return outcome
        }

        // Both drains run at once; each finishes even when the other fails, and the first
        // failure is reported after both.
        let context = self.context
        let results = await withTaskGroup(of: LeaveResult.self) { group in
            if settings.record != nil {
                group.addTask { .record(await Result { try await context.leaveRecordSet.run(settings) }) }
            }
            if let loadBalancer, let instanceId {
                group.addTask {
                    .loadBalancer(await Result {
                        try await Self.leave(loadBalancer, instanceId: instanceId, context: context)
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
        if let failure { throw failure }
        return outcome
    }

    private enum LeaveResult: Sendable {
        case record(Result<LeaveRecordSet.Outcome, any Error>)
        case loadBalancer(Result<Duration, any Error>)
    }

    private static func leave(_ loadBalancer: any LoadBalancerMembership, instanceId: String, context: FleetContext) async throws -> Duration {
        let drainTime = try await loadBalancer.drainTimeout()
        guard try await loadBalancer.member(instanceId: instanceId) != nil else {
            context.logger.info("\(instanceId) is not registered with \(loadBalancer); nothing to deregister")
            return .zero
        }
        try await loadBalancer.deregister(instanceId: instanceId)
        context.logger.info("deregistered \(instanceId) from \(loadBalancer); it drains for up to \(Int(drainTime.seconds)) s")
        // The load balancer's own draining time bounds the wait, plus a margin for its bookkeeping.
        return try await context.loadBalancerWaiter.waitDrained(loadBalancer, instanceId: instanceId,
                                                                bound: drainTime + .seconds(15))
    }

    private func quorumChecks(_ settings: HookSettings) async throws -> [QuorumGate.Check] {
        var checks: [QuorumGate.Check] = []
        if let loadBalancer = context.loadBalancer {
            let instanceId = try await context.identity.instanceId()
            checks.append(QuorumGate.Check(name: "\(loadBalancer)", leaving: instanceId) { try await loadBalancer.members() })
        }
        if let dns = settings.record {
            let zone = try await ZoneResolver(route53: context.route53).resolve(dns.zone, recordName: dns.recordName)
            let setIdentifier = try await context.identity.setIdentifier(settings)
            let members = WeightedSetMembers(route53: context.route53)
            checks.append(QuorumGate.Check(name: "\(dns.recordName) \(dns.recordType.rawValue)", leaving: setIdentifier) {
                try await members.members(zone: zone, name: dns.recordName, type: dns.recordType.rawValue)
            })
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
