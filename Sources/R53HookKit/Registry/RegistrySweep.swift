import AWSKit
import Logging

/// `sweep`: delete the record pairs of members that are dead, under a fleet-wide lock.
///
/// A member is dead when EC2 reports its instance terminated, or no longer knows it (only in the
/// sweeper's own region, and only once its mark is older than `goneGrace`, since EC2 is
/// eventually consistent about new instances), or when it sends heartbeats and the last one is
/// older than the expiry. Only pairs carrying r53hook's mark are touched, each with its own exact
/// DELETE batch, so a member that beat in the meantime is left alone. When more than
/// `maxFraction` of the members would go at once, nothing is deleted (self-preservation: that
/// looks more like a partition or an API problem than a mass death) unless forced.
package struct RegistrySweep: Sendable {
    /// A member judged dead, and why.
    package struct Verdict: Sendable, Equatable {
        /// The member.
        package let member: RegistryMember
        /// Why it is dead, in words.
        package let reason: String

        /// Creates a verdict.
        package init(member: RegistryMember, reason: String) {
            self.member = member
            self.reason = reason
        }
    }

    /// What a sweep found and did.
    package struct Report: Sendable, Equatable {
        /// How many marked members the registry had.
        package let memberCount: Int
        /// The members judged dead.
        package let dead: [Verdict]
        /// Set identifiers deleted (empty for a dry run or a refusal).
        package let deleted: [String]
        /// Dead members left alone, and why (changed since read, record differs from its mark).
        package let skipped: [(setIdentifier: String, reason: String)]
        /// Why nothing was deleted, when self-preservation refused: the error the command
        /// reports, with its remedies (a higher share, or forcing the sweep).
        package let refusal: DomainError?

        /// Creates a report.
        package init(
            memberCount: Int, dead: [Verdict], deleted: [String], skipped: [(setIdentifier: String, reason: String)],
            refusal: DomainError?
        ) {
            self.memberCount = memberCount
            self.dead = dead
            self.deleted = deleted
            self.skipped = skipped
            self.refusal = refusal
        }

        package static func == (lhs: Report, rhs: Report) -> Bool {
            lhs.memberCount == rhs.memberCount && lhs.dead == rhs.dead && lhs.deleted == rhs.deleted
                && lhs.refusal?.message == rhs.refusal?.message && lhs.refusal?.remedies == rhs.refusal?.remedies
                && lhs.skipped.map(\.setIdentifier) == rhs.skipped.map(\.setIdentifier)
        }
    }

    /// How the sweep is bounded.
    package struct Limits: Sendable, Equatable {
        /// Seconds after which a heartbeat is expired.
        package var expiry: Int
        /// The largest share of the members one sweep may delete without `force`.
        package var maxFraction: Double
        /// Delete even beyond `maxFraction`.
        package var force: Bool
        /// How old a mark must be before "EC2 does not know the instance" counts as gone.
        package var goneGrace: Int

        /// Creates limits with the defaults: expiry 120 s, at most half, grace 300 s.
        package init(expiry: Int = 120, maxFraction: Double = 0.5, force: Bool = false, goneGrace: Int = 300) {
            self.expiry = expiry
            self.maxFraction = maxFraction
            self.force = force
            self.goneGrace = goneGrace
        }
    }

    private let route53: Route53Client
    private let instances: any InstanceStateLookup
    private let identity: InstanceIdentity
    private let time: any TimeSource
    private let logger: Logger

    /// Creates the use case.
    package init(
        route53: Route53Client, instances: any InstanceStateLookup, identity: InstanceIdentity,
        time: any TimeSource, logger: Logger
    ) {
        self.route53 = route53
        self.instances = instances
        self.identity = identity
        self.time = time
        self.logger = logger
    }

    /// Sweeps (or, with `--dry-run`, only judges) the registry of the configured record.
    package func run(_ target: FleetTarget, limits: Limits, dryRun: Bool, waiting: FleetLock.Waiting) async throws -> Report {
        let registry = try await MemberRegistry.of(target, route53: route53)
        let me = try? await identity.setIdentifier(target)
        let myInstance = try? await identity.instanceId()
        let isMe: @Sendable (RegistryMember) -> Bool = { member in
            member.setIdentifier == me || (myInstance != nil && member.mark.instanceId == myInstance)
        }
        if dryRun {
            return try await sweep(registry, isMe: isMe, limits: limits, dryRun: true)
        }
        let store = LockStore(
            route53: route53, time: time, zone: registry.zone,
            lockName: LockStore.name(from: "sweep-\(registry.recordName)\(registry.recordType)"))
        let owner = me ?? myInstance ?? "sweeper"
        let lock = FleetLock(store: store, time: time, logger: logger)
        return try await lock.withLock(
            owner: owner, lease: .seconds(30), waiting: waiting, purpose: "sweeping \(registry.registryName)",
            ifLost: { lost in
                DomainError(.lockLost, "lost the sweep lock (\(lost.reason)); the sweep stopped part way, run it again")
            }
        ) {
            try await self.sweep(registry, isMe: isMe, limits: limits, dryRun: false)
        }
    }

    /// Never this instance's own pair: neither its set identifier nor a mark naming its instance.
    private func sweep(
        _ registry: MemberRegistry, isMe: @Sendable (RegistryMember) -> Bool, limits: Limits,
        dryRun: Bool
    ) async throws -> Report {
        let snapshot = try await registry.snapshot()
        for foreign in snapshot.foreign {
            logger.warning(
                "left \(foreign.setIdentifier) alone: its registry mark is foreign (\(foreign.reason)); r53hook never judges or deletes a mark it cannot trust. Check who wrote \(foreign.record.summary)"
            )
        }
        let dead = try await judge(snapshot.members.filter { !isMe($0) }, limits: limits)
        let members = snapshot.members.count
        if !dead.isEmpty, !limits.force, Double(dead.count) > limits.maxFraction * Double(members) {
            let share = Int((Double(dead.count) / Double(members) * 100).rounded())
            let refusal = DomainError(
                .sweepRefused,
                "sweep refused: \(dead.count) of \(members) members (\(share)%) look dead at once, more than the share of \(limits.maxFraction) a sweep deletes: that is more likely a network partition or an EC2 API problem than a mass death, so nothing was deleted. Check with `r53hook members`",
                remedies: [.use(.forceSweep, purpose: "to sweep anyway"), .raise(.sweepFraction)])
            return Report(memberCount: members, dead: dead, deleted: [], skipped: [], refusal: refusal)
        }
        try await warnIfTheNameEmpties(snapshot, dead: dead, registry: registry)
        guard !dryRun else { return Report(memberCount: members, dead: dead, deleted: [], skipped: [], refusal: nil) }
        var deleted: [String] = []
        var skipped: [(setIdentifier: String, reason: String)] = []
        for verdict in dead {
            let member = verdict.member
            if member.addressRecord != nil, !member.addressRecordIsMarked {
                skipped.append((member.setIdentifier, "its address record no longer matches its mark (changed by hand?); left alone"))
                continue
            }
            // One batch per member: one that came back to life (a heartbeat since the read)
            // fails its own exact DELETE and no other.
            if try await registry.apply(
                member.deletion, comment: "r53hook sweep \(member.setIdentifier)",
                action: "sweep \(member.setIdentifier)") != nil
            {
                logger.info("swept \(member.setIdentifier) (\(member.mark.instanceId), \(member.mark.address)): \(verdict.reason)")
                deleted.append(member.setIdentifier)
            } else {
                skipped.append((member.setIdentifier, "its records changed since they were read (it is alive); left alone"))
            }
        }
        return Report(memberCount: members, dead: dead, deleted: deleted, skipped: skipped, refusal: nil)
    }

    /// Warns, with the zone's negative-caching time, when the sweep would delete every address
    /// record of the name and type (issue 13: resolvers then remember the name empty).
    private func warnIfTheNameEmpties(_ snapshot: RegistrySnapshot, dead: [Verdict], registry: MemberRegistry) async throws {
        let addresses = snapshot.members.compactMap(\.addressRecord) + snapshot.unmarked
        let going = dead.compactMap { $0.member.addressRecordIsMarked ? $0.member.addressRecord : nil }
        guard let last = going.first, !addresses.isEmpty, going.count == addresses.count else { return }
        let caching = try await NegativeCaching.read(zone: registry.zone, route53: route53)
        logger.warning("\(LeaveRecordSet.lastRecordWarning(last, caching: caching))")
    }

    /// The members that are dead, with the reason.
    func judge(_ members: [RegistryMember], limits: Limits) async throws -> [Verdict] {
        let now = Int(time.wallClock.seconds)
        let region = instances.region
        let judgedByEC2 = members.filter { member in
            member.mark.instanceId.hasPrefix("i-") && member.mark.availabilityZone.hasPrefix(region)
        }
        let states = judgedByEC2.isEmpty ? [:] : try await instances.states(of: judgedByEC2.map(\.mark.instanceId))
        let judgedIds = Set(judgedByEC2.map(\.setIdentifier))
        var dead: [Verdict] = []
        for member in members {
            let age = member.lastSeenAge(now: now)
            if judgedIds.contains(member.setIdentifier) {
                let state = states[member.mark.instanceId]
                if state == .terminated {
                    dead.append(Verdict(member: member, reason: "instance \(member.mark.instanceId) is terminated"))
                    continue
                }
                if state == nil, age > limits.goneGrace {
                    dead.append(Verdict(member: member, reason: "EC2 no longer knows instance \(member.mark.instanceId) in \(region)"))
                    continue
                }
            }
            if let heartbeatAge = member.heartbeatAge(now: now), heartbeatAge > limits.expiry {
                dead.append(Verdict(member: member, reason: "last heartbeat \(heartbeatAge) s ago, more than the \(limits.expiry) s expiry"))
            }
        }
        return dead
    }
}
