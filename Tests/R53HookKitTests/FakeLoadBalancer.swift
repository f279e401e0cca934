import AWSKit
import Synchronization
import TestSupport

@testable import R53HookKit

/// A load balancer whose members' states move with the virtual clock: a registration turns
/// healthy after `healthyAfter`, a deregistration drains for `drainFor`.
final class FakeLoadBalancer: LoadBalancerMembership, Sendable {
    private struct Entry {
        var registeredAt: Duration
        var deregisteredAt: Duration?
        var forced: FleetMember.Health?
    }

    private let time: ManualTime
    private let healthyAfter: Duration
    private let drainFor: Duration
    private let entries = Mutex<[String: Entry]>([:])
    private let journal = Mutex<[String]>([])

    init(time: ManualTime, healthyAfter: Duration = .seconds(4), drainFor: Duration = .seconds(6)) {
        self.time = time
        self.healthyAfter = healthyAfter
        self.drainFor = drainFor
    }

    var description: String { "fake load balancer" }

    /// What happened, in order: "register i-1", "deregister i-1".
    var events: [String] { journal.withLock { $0 } }

    /// Puts members in directly, healthy unless forced otherwise.
    func add(_ id: String, forced: FleetMember.Health? = nil) {
        entries.withLock { $0[id] = Entry(registeredAt: .zero, forced: forced) }
    }

    func force(_ id: String, _ health: FleetMember.Health?) {
        entries.withLock { $0[id]?.forced = health }
    }

    func register(instanceId: String) async throws {
        journal.withLock { $0.append("register \(instanceId)") }
        let now = time.monotonicNow
        entries.withLock { $0[instanceId] = Entry(registeredAt: now, forced: $0[instanceId]?.forced) }
    }

    func deregister(instanceId: String) async throws {
        journal.withLock { $0.append("deregister \(instanceId)") }
        let now = time.monotonicNow
        entries.withLock { $0[instanceId]?.deregisteredAt = now }
    }

    func members() async throws -> [FleetMember] {
        let now = time.monotonicNow
        return entries.withLock { entries in
            entries.sorted { $0.key < $1.key }.compactMap { id, entry in state(id, entry, now) }
        }
    }

    func member(instanceId: String) async throws -> FleetMember? {
        try await members().first { $0.id == instanceId }
    }

    func drainTimeout() async throws -> Duration { drainFor }

    private func state(_ id: String, _ entry: Entry, _ now: Duration) -> FleetMember? {
        if let gone = entry.deregisteredAt {
            return now - gone < drainFor ? FleetMember(id: id, health: .draining, detail: "draining") : nil
        }
        if let forced = entry.forced { return FleetMember(id: id, health: forced, detail: "forced") }
        return now - entry.registeredAt >= healthyAfter
            ? FleetMember(id: id, health: .healthy, detail: "in service")
            : FleetMember(id: id, health: .starting, detail: "registering")
    }
}

/// Records commands instead of running them, and answers a chosen status.
final class RecordingRunner: CommandRunner, Sendable {
    private let runs = Mutex<[[String]]>([])
    private let status: Int32
    private let onRun: @Sendable () async -> Void

    init(status: Int32 = 0, onRun: @escaping @Sendable () async -> Void = {}) {
        self.status = status
        self.onRun = onRun
    }

    var commands: [[String]] { runs.withLock { $0 } }

    func run(_ arguments: [String]) async throws -> Int32 {
        runs.withLock { $0.append(arguments) }
        await onRun()
        return status
    }
}

extension DomainHarness {
    func fleet(_ loadBalancer: FakeLoadBalancer?, instanceId: String? = nil) -> FleetContext {
        let identity = instanceId.map { InstanceIdentity(metadata: FakeMetadata(["instance-id": $0])) } ?? self.identity
        return FleetContext(
            route53: route53, loadBalancer: loadBalancer, identity: identity, changeWaiter: waiter,
            drainTimer: DrainTimer(time: time, logger: logs.logger()),
            loadBalancerWaiter: LoadBalancerWaiter(time: time, logger: logs.logger()), time: time, logger: logs.logger())
    }
}
