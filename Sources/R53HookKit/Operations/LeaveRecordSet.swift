import AWSKit
import Logging

/// `stop`: read this instance's record, DELETE exactly it, wait until the deletion is INSYNC,
/// then wait out the deleted record's TTL plus the drain margin, so resolvers that cached the
/// address let it expire while the service still answers.
package struct LeaveRecordSet: Sendable {
    /// What `stop` did.
    package enum Outcome: Sendable, Equatable {
        /// There was no record for this instance; nothing to drain.
        case notFound
        /// The record was deleted and drained.
        case deleted(ResourceRecordSet, change: ChangeInfo?, drained: Duration)
        /// `--dry-run`: what would be done.
        case planned(WeightedRecordPlan)
    }

    private let route53: Route53Client
    private let identity: InstanceIdentity
    private let waiter: ChangeWaiter
    private let drainTimer: DrainTimer
    private let logger: Logger

    /// Creates the use case.
    package init(route53: Route53Client, identity: InstanceIdentity, waiter: ChangeWaiter, drainTimer: DrainTimer, logger: Logger) {
        self.route53 = route53
        self.identity = identity
        self.waiter = waiter
        self.drainTimer = drainTimer
        self.logger = logger
    }

    /// What deleting the record did, before any waiting.
    package enum Deletion: Sendable, Equatable {
        /// There was no record for this instance.
        case notFound
        /// The record was deleted (by this change, or by someone else just before: nil).
        case deleted(ResourceRecordSet, change: ChangeInfo?)
        /// `--dry-run`: what would be done.
        case planned(WeightedRecordPlan)
    }

    /// Runs `stop`: delete, then wait and drain.
    package func run(_ settings: LeaveSettings) async throws -> Outcome {
        try await finish(try await delete(settings), settings: settings)
    }

    /// Reads this instance's record and deletes exactly it; no waiting.
    package func delete(_ settings: LeaveSettings) async throws -> Deletion {
        let dns = try settings.target.requireRecord()
        let zone = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
        let setIdentifier = try await identity.setIdentifier(settings.target)
        let type = dns.recordType.rawValue

        let registry = MemberRegistry(route53: route53, zone: zone, recordName: dns.recordName, recordType: type)

        // The records can change between reading and deleting (a start racing this stop); the
        // exact DELETE then fails and nothing changes, so read again and retry.
        var seen: ResourceRecordSet?
        return try await CompareAndSwapLoop.run(givingUp: { tries in
            DomainError(.recordKeptChanging, "the record kept changing while stopping (\(tries) tries); is another r53hook start running for \(setIdentifier)?")
        }) { () async throws -> Deletion? in
            let current = try await route53.recordSet(zoneId: zone.id, name: dns.recordName, type: type, setIdentifier: setIdentifier)
            let markRecord = try await registry.currentMarkRecord(setIdentifier: setIdentifier)
            if let markRecord, MemberRegistry.mark(of: markRecord) == nil {
                throw DomainError(
                    .foreignRecord,
                    "\(markRecord.summary) is not an r53hook registry mark; r53hook leaves it and the record beside it alone")
            }
            var changes: [RecordChange] = []
            if let current {
                guard current.isPlainWeighted else {
                    throw DomainError(
                        .foreignRecord,
                        "\(current.summary) is not a plain weighted record; r53hook only deletes records it could have made, so it leaves this one alone")
                }
                guard markRecord != nil else {
                    throw DomainError(
                        .foreignRecord,
                        "\(current.summary) has no r53hook registry mark (\(registry.registryName) TXT), so r53hook did not make it and leaves it alone",
                        remedies: [
                            .advice("delete it yourself"),
                            .use(.adopt, purpose: "first if this instance should own it"),
                        ]
                    )
                }
                changes.append(RecordChange(.delete, current))
                seen = current
            }
            if let markRecord { changes.append(RecordChange(.delete, markRecord)) }
            if current == nil, let seen {
                // Someone deleted it between our reads; clients may still hold it.
                logger.info("\(seen.summary) was deleted by someone else just now; draining anyway")
                if !changes.isEmpty { _ = try await registry.apply(changes, comment: "r53hook stop \(setIdentifier)", action: "delete the registry mark of \(setIdentifier)") }
                return .deleted(seen, change: nil)
            }
            guard !changes.isEmpty else {
                logger.info("no \(type) record \(dns.recordName) with set identifier \(setIdentifier) in \(zone.name) (\(zone.id)); nothing to delete or drain")
                return .notFound
            }
            if settings.dryRun {
                var waits: [WeightedRecordPlan.Wait] = [.inSync(deadline: settings.deadline)]
                if let current {
                    waits.append(.drain(ttl: .seconds(current.ttl ?? 0), extra: settings.drainExtra))
                }
                return .planned(WeightedRecordPlan(zone: zone, changes: changes, waits: waits))
            }
            guard
                let change = try await registry.apply(
                    changes, comment: "r53hook stop \(setIdentifier)",
                    action: "delete \(current?.summary ?? registry.registryName)")
            else {
                logger.notice("the record or its mark changed while stopping; reading them again")
                return nil
            }
            guard let current else {
                logger.info("removed the registry mark of \(setIdentifier), left without its record, from \(registry.registryName); nothing to drain")
                return .notFound
            }
            logger.info("deleted \(current.summary) and its registry mark from \(zone.name) (change \(change.id), \(change.status.rawValue))")
            return .deleted(current, change: change)
        }
    }

    /// Waits until the deletion is INSYNC, then drains the deleted record's TTL plus the margin.
    package func finish(_ deletion: Deletion, settings: LeaveSettings) async throws -> Outcome {
        switch deletion {
        case .notFound:
            return .notFound
        case .planned(let plan):
            return .planned(plan)
        case .deleted(let record, let change):
            let ttl = Duration.seconds(record.ttl ?? 0)
            var syncFailure: (any Error)?
            if let change {
                do {
                    try await waiter.waitUntilInSync(change)
                } catch let error where error.isTransientFailure {
                    // The record is gone either way; drain before reporting, so the service still answers.
                    logger.warning("\(error); draining anyway")
                    syncFailure = error
                }
            }
            try await drainTimer.drain(ttl: ttl, extra: settings.drainExtra)
            if let syncFailure { throw syncFailure }
            return .deleted(record, change: change, drained: ttl + settings.drainExtra)
        }
    }
}
