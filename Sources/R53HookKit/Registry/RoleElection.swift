import AWSKit
import Logging

/// `role --group NAME --servers N`: auto-consul's choice of mode, without its race. Under a
/// fleet-wide lock, read the live members of the group and choose `bootstrap` when there is no
/// live server, `server` while there are fewer than N, otherwise `agent`; then record the choice
/// in this member's mark before the lock is released, so the next instance sees it.
package struct RoleElection: Sendable {
    /// The choice, and whom to join.
    package struct Decision: Sendable, Equatable {
        /// The role chosen.
        package let role: MemberRole
        /// The addresses of the group's other live servers, to join.
        package let join: [String]

        /// Creates a decision.
        package init(role: MemberRole, join: [String]) {
            self.role = role
            self.join = join
        }
    }

    private let route53: Route53Client
    private let identity: InstanceIdentity
    private let time: any TimeSource
    private let logger: Logger

    /// Creates the use case.
    package init(route53: Route53Client, identity: InstanceIdentity, time: any TimeSource, logger: Logger) {
        self.route53 = route53
        self.identity = identity
        self.time = time
        self.logger = logger
    }

    /// The decision for one member, from the registry as read under the lock. A member that is
    /// already a server of the group stays one; heartbeats older than `expiry` do not count.
    package static func decide(
        for setIdentifier: String, members: [RegistryMember], group: String, servers: Int,
        now: Int, expiry: Int
    ) -> Decision {
        let liveServers = members.filter { member in
            member.setIdentifier != setIdentifier && member.mark.group == group && (member.mark.role?.isServer ?? false)
                && member.isLive(now: now, expiry: expiry)
        }
        let join = liveServers.map(\.mark.address)
        let mine = members.first { $0.setIdentifier == setIdentifier }?.mark
        let isServer = mine?.group == group && (mine?.role?.isServer ?? false)
        if liveServers.isEmpty { return Decision(role: .bootstrap, join: []) }
        if isServer || liveServers.count < servers { return Decision(role: .server, join: join) }
        return Decision(role: .agent, join: join)
    }

    /// Chooses and records this member's role under the lock `role-GROUP-NAME-TYPE`.
    package func run(
        _ target: FleetTarget, group: String, servers: Int, expiry: Int,
        waiting: FleetLock.Waiting
    ) async throws -> Decision {
        let registry = try await MemberRegistry.of(target, route53: route53)
        let setIdentifier = try await identity.setIdentifier(target)
        let store = LockStore(
            route53: route53, time: time, zone: registry.zone,
            lockName: LockStore.name(from: "role-\(group)-\(registry.recordName)\(registry.recordType)"))
        let lock = FleetLock(store: store, time: time, logger: logger)
        let time = self.time
        let logger = self.logger
        return try await lock.withLock(
            owner: setIdentifier, lease: .seconds(30), waiting: waiting,
            purpose: "choosing a role in group \(group)",
            ifLost: { lost in
                DomainError(.lockLost, "lost the role lock while choosing (\(lost.reason)); run role again")
            }
        ) {
            let snapshot = try await registry.snapshot()
            let now = Int(time.wallClock.seconds)
            guard snapshot.members.contains(where: { $0.setIdentifier == setIdentifier }) else {
                if let foreign = snapshot.foreign.first(where: { $0.setIdentifier == setIdentifier }) {
                    throw MemberRegistry.foreignMarkError(foreign.record, reason: foreign.reason)
                }
                throw DomainError(
                    .notRegistered,
                    "\(setIdentifier) is not registered in \(registry.registryName): run `r53hook start` before `r53hook role`")
            }
            let decision = Self.decide(
                for: setIdentifier, members: snapshot.members, group: group, servers: servers,
                now: now, expiry: expiry)
            _ = try await registry.rewriteMark(setIdentifier: setIdentifier) { old in
                var new = old
                new.role = decision.role
                new.group = group
                if new.heartbeatAt != nil { new.heartbeatAt = now }
                return new
            }
            logger.info("\(setIdentifier) is \(decision.role.rawValue) in group \(group) (\(decision.join.count) live server(s) besides it, \(servers) wanted)")
            return decision
        }
    }
}
