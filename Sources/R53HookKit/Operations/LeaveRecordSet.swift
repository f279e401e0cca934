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
        /// The records were deleted (by this change, or by someone else just before: nil); one
        /// per type, the first type first.
        case deleted([ResourceRecordSet], change: ChangeInfo?)
        /// `--dry-run`: what would be done.
        case planned(WeightedRecordPlan)
    }

    /// Runs `stop`: delete, then wait and drain.
    package func run(_ settings: LeaveSettings) async throws -> Outcome {
        try await finish(try await delete(settings), settings: settings)
    }

    /// Reads this instance's records (one per type) and deletes exactly them and their marks in
    /// one batch; no waiting. Before it deletes the last record of a name and type it warns with
    /// the zone's negative-caching time.
    ///
    /// Each type's set and mark come from one read (`MemberListing`). With `--zone-id` the zone
    /// itself is read (GetHostedZone) only when something needs more than its id: finding this
    /// instance's record in the zone already proves the name belongs there, so a scale-in's
    /// stop spends three requests (the read, the change, one INSYNC poll), not five. Nothing
    /// found, a name about to empty (its SOA), or `--dry-run` read the zone as before, so a name
    /// outside the zone is still refused with the zone's name.
    package func delete(_ settings: LeaveSettings) async throws -> Deletion {
        let dns = try settings.target.requireRecord()
        var resolved: HostedZone?
        let zone: HostedZone
        if case .id(let id) = dns.zone, !settings.dryRun {
            // Only its id is used unless `resolve()` below reads the zone.
            zone = HostedZone(id: id, name: dns.recordName, isPrivate: false)
        } else {
            zone = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
            resolved = zone
        }
        /// The zone as Route 53 has it, read once, checked to hold the record.
        func resolve() async throws -> HostedZone {
            if let resolved { return resolved }
            let zone = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
            resolved = zone
            return zone
        }
        let setIdentifier = try await identity.setIdentifier(settings.target)
        let registries = dns.recordTypes.map {
            MemberRegistry(route53: route53, zone: zone, recordName: dns.recordName, recordType: $0.rawValue)
        }
        let typesText = dns.recordTypes.map(\.rawValue).joined(separator: ",")

        // The records can change between reading and deleting (a start racing this stop); the
        // exact DELETE then fails and nothing changes, so read again and retry.
        var seen: [String: ResourceRecordSet] = [:]
        // The SOA is read at most once per stop, and only when a deletion empties a name.
        var caching: NegativeCaching??
        return try await CompareAndSwapLoop.run(givingUp: { tries in
            DomainError(.recordKeptChanging, "the record kept changing while stopping (\(tries) tries); is another r53hook start running for \(setIdentifier)?")
        }) { () async throws -> Deletion? in
            var changes: [RecordChange] = []
            var deleting: [ResourceRecordSet] = []
            var vanished: [ResourceRecordSet] = []
            var emptied: [ResourceRecordSet] = []
            var instanceNames: [ResourceRecordSet] = []
            for registry in registries {
                let type = registry.recordType
                // The whole set (this instance's record, and whether it is the last) and the mark,
                // in one read where Route 53's listing shows both.
                let listing: MemberListing
                do {
                    listing = try await MemberListing.read(
                        route53: route53, zoneId: zone.id, recordName: dns.recordName, recordType: type, setIdentifier: setIdentifier)
                } catch let error as AWSServiceError where resolved == nil && error.code == "InvalidInput" {
                    // Should Route 53 refuse to list a name outside the zone, say so in the zone's terms.
                    _ = try await resolve()
                    throw error
                }
                let siblings = listing.siblings
                let current = siblings.first { $0.setIdentifier == setIdentifier }
                let markRecord = listing.markRecord
                if let markRecord, MemberRegistry.mark(of: markRecord) == nil {
                    throw DomainError(
                        .foreignRecord,
                        "\(markRecord.summary) is not an r53hook registry mark; r53hook leaves it and the record beside it alone")
                }
                if let current {
                    guard current.isPlainMember else {
                        throw DomainError(
                            .foreignRecord,
                            "\(current.summary) is not a plain weighted record (nor a plain multivalue one); r53hook only deletes records it could have made, so it leaves this one alone")
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
                    deleting.append(current)
                    if siblings.allSatisfy({ $0.setIdentifier == setIdentifier }) { emptied.append(current) }
                    seen[type] = current
                } else if let before = seen[type] {
                    vanished.append(before)
                }
                if let markRecord {
                    changes.append(RecordChange(.delete, markRecord))
                    if let mark = MemberRegistry.mark(of: markRecord), let name = mark.instanceName {
                        // The per-instance name the mark owns goes with it, if it is still what r53hook wrote.
                        let named = try await route53.recordSets(zoneId: zone.id, name: name, type: type)
                        if let record = named.first(where: { $0.isPlainSimple && $0.values == [mark.address] }) {
                            changes.append(RecordChange(.delete, record))
                            instanceNames.append(record)
                        } else if let other = named.first {
                            logger.warning("\(other.summary) is not the per-instance name r53hook wrote (\(mark.address)); leaving it alone")
                        }
                    }
                }
            }
            deleting += instanceNames
            if deleting.isEmpty, !vanished.isEmpty {
                // Someone deleted them between our reads; clients may still hold them.
                logger.info("\(vanished.map(\.summary).joined(separator: " and ")) was deleted by someone else just now; draining anyway")
                if !changes.isEmpty { _ = try await registries[0].apply(changes, comment: "r53hook stop \(setIdentifier)", action: "delete the registry mark of \(setIdentifier)") }
                return .deleted(vanished, change: nil)
            }
            guard !changes.isEmpty else {
                // Read the zone now: a name outside it is a configuration error, not "nothing to do".
                let zone = try await resolve()
                logger.info("no \(typesText) record \(dns.recordName) with set identifier \(setIdentifier) in \(zone.name) (\(zone.id)); nothing to delete or drain")
                return .notFound
            }
            if !emptied.isEmpty, caching == nil { caching = .some(try await NegativeCaching.read(zone: try await resolve(), route53: route53)) }
            let warnings = emptied.map { Self.lastRecordWarning($0, caching: caching ?? nil) }
            if settings.dryRun {
                var waits: [WeightedRecordPlan.Wait] = [.inSync(deadline: settings.deadline)]
                if let ttl = deleting.compactMap(\.ttl).max() {
                    waits.append(.drain(ttl: .seconds(ttl), extra: settings.drainExtra))
                }
                return .planned(WeightedRecordPlan(zone: zone, changes: changes, waits: waits, warnings: warnings))
            }
            for warning in warnings { logger.warning("\(warning)") }
            let summaries = deleting.map(\.summary).joined(separator: " and ")
            guard
                let change = try await registries[0].apply(
                    changes, comment: "r53hook stop \(setIdentifier)",
                    action: "delete \(deleting.isEmpty ? registries.map(\.registryName).joined(separator: " and ") : summaries)")
            else {
                logger.notice("the record or its mark changed while stopping; reading them again")
                return nil
            }
            guard !deleting.isEmpty else {
                logger.info("removed the registry mark of \(setIdentifier), left without its record, from \(registries.map(\.registryName).joined(separator: " and ")); nothing to drain")
                return .notFound
            }
            let from = resolved.map { "\($0.name)" } ?? "zone \(zone.id)"
            logger.info("deleted \(summaries) and \(deleting.count > 1 ? "their registry marks" : "its registry mark") from \(from) (change \(change.id), \(change.status.rawValue))")
            return .deleted(deleting + vanished, change: change)
        }
    }

    /// The warning for a record whose deletion empties its name and type: resolvers then cache
    /// the empty answer for the zone's negative-caching time, not the record's TTL.
    static func lastRecordWarning(_ record: ResourceRecordSet, caching: NegativeCaching?) -> String {
        caching?.lastRecordWarning(name: record.name, type: record.type)
            ?? "this deletes the last \(record.type) record of \(record.name): resolvers that ask for it now cache the empty answer for the zone's negative-caching time (the lesser of its SOA record's TTL and last field; the SOA could not be read), so the next instance to join may stay invisible to them that long. Keep one member up, or lower the SOA's last field"
    }

    /// Waits until the deletion is INSYNC, then drains the deleted record's TTL plus the margin.
    /// `onInSync` learns when the deletion is INSYNC (before the TTL drain), for a caller that
    /// may cancel the drain and must know how much of it is left (`LeaveProgress`).
    package func finish(_ deletion: Deletion, settings: LeaveSettings, onInSync: (@Sendable () -> Void)? = nil) async throws -> Outcome {
        switch deletion {
        case .notFound:
            return .notFound
        case .planned(let plan):
            return .planned(plan)
        case .deleted(let records, let change):
            guard let record = records.first else { return .notFound }
            // Dual-stack, clients may hold either address: drain the larger TTL.
            let ttl = Duration.seconds(records.compactMap(\.ttl).max() ?? 0)
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
            onInSync?()
            try await drainTimer.drain(ttl: ttl, extra: settings.drainExtra)
            if let syncFailure { throw syncFailure }
            return .deleted(record, change: change, drained: ttl + settings.drainExtra)
        }
    }
}
