import AWSKit
import Logging

/// `start`: write this instance's weighted record and its registry mark in one change batch,
/// then wait until the change is INSYNC.
///
/// It reads the record's weighted set and the mark first, so that a restart after a crash
/// repairs a wrong record, an identical record costs no change at all, a record without
/// r53hook's mark is never overwritten, and the Route 53 limits (100 weighted records per name
/// and type, no simple record beside weighted ones, one TTL per set) are explained before
/// Route 53 refuses. The batch is a compare-and-swap ([DELETE exact old, CREATE new] for each
/// record that exists): when a record changed since it was read, nothing is applied and start
/// reads again.
///
/// With `--create-first` (at boot, when the record should not exist yet) it skips reading the
/// set and the mark: [CREATE record, CREATE mark] is applied only if neither exists, so nothing
/// of anyone's is overwritten; any refusal (it exists, a limit, a conflict) changed nothing, and
/// start then reads and proceeds as above, which explains what is wrong. In a boot storm of 100
/// that saves 200 of the account's requests; a restart pays one refused request.
package struct JoinRecordSet: Sendable {
    /// What `start` did.
    package enum Outcome: Sendable, Equatable {
        /// The record was already exactly as wanted.
        case unchanged
        /// The record was written; the wait is nil with `--no-wait`.
        case written(ChangeInfo, waited: Duration?)
        /// `--dry-run`: what would be done.
        case planned(WeightedRecordPlan)
    }

    private let route53: Route53Client
    private let identity: InstanceIdentity
    private let waiter: ChangeWaiter
    private let time: any TimeSource
    private let logger: Logger

    /// Creates the use case.
    package init(route53: Route53Client, identity: InstanceIdentity, waiter: ChangeWaiter, time: any TimeSource, logger: Logger) {
        self.route53 = route53
        self.identity = identity
        self.waiter = waiter
        self.time = time
        self.logger = logger
    }

    /// The record this instance should have in a zone.
    package func desiredRecord(_ target: FleetTarget, in zone: HostedZone) async throws -> ResourceRecordSet {
        try await desiredRecord(target, addressSource: try target.requireRecord().addressSource(in: zone))
    }

    private func desiredRecord(_ target: FleetTarget, addressSource: AddressSource) async throws -> ResourceRecordSet {
        let dns = try target.requireRecord()
        let setIdentifier = try await identity.setIdentifier(target)
        let address = try await identity.address(addressSource)
        return ResourceRecordSet(
            name: dns.recordName, type: dns.recordType.rawValue, setIdentifier: setIdentifier,
            weight: dns.weight, ttl: dns.ttl, values: [address.text], healthCheckId: dns.healthCheckId)
    }

    /// Runs `start`.
    package func run(_ settings: JoinSettings) async throws -> (record: ResourceRecordSet, outcome: Outcome) {
        let dns = try settings.target.requireRecord()
        if settings.createsFirst, !settings.dryRun, let created = try await createFirst(settings) {
            return created
        }
        let zone = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
        let record = try await desiredRecord(settings.target, in: zone)
        let registry = MemberRegistry(route53: route53, zone: zone, recordName: record.name, recordType: record.type)
        let setIdentifier = record.setIdentifier ?? ""
        let instanceId = await identity.instanceIdForMark()
        let availabilityZone = await identity.availabilityZone()

        return try await CompareAndSwapLoop.run(givingUp: { tries in
            DomainError(.recordKeptChanging, "the record kept changing while starting (\(tries) tries); is another r53hook running for \(setIdentifier)?")
        }) { () async throws -> (record: ResourceRecordSet, outcome: Outcome)? in
            let (current, currentMark, oldMark) = try await readAndCheck(record, registry: registry, settings: settings)

            var mark = MemberMark(
                instanceId: instanceId, address: record.values.first ?? "", availabilityZone: availabilityZone,
                joinedAt: Int(time.wallClock.seconds), role: oldMark?.role, group: oldMark?.group)
            if oldMark?.heartbeatAt != nil { mark.heartbeatAt = mark.joinedAt }
            let markIsCurrent =
                oldMark.map {
                    $0.instanceId == mark.instanceId && $0.address == mark.address
                        && $0.availabilityZone == mark.availabilityZone
                } ?? false
            if current == record && markIsCurrent {
                logger.info("\(record.summary) is already in \(zone.name) (\(zone.id)), with its registry mark; nothing to change")
                return (record, settings.dryRun ? .planned(WeightedRecordPlan(zone: zone, changes: [], waits: [])) : .unchanged)
            }
            var changes: [RecordChange] = []
            if current != record {
                changes += Self.swap(current, for: record)
            }
            changes += Self.swap(currentMark, for: registry.markRecord(setIdentifier: setIdentifier, mark: mark))
            if settings.dryRun {
                let waits: [WeightedRecordPlan.Wait] = settings.waitsForSync ? [.inSync(deadline: settings.deadline)] : []
                return (record, .planned(WeightedRecordPlan(zone: zone, changes: changes, waits: waits)))
            }

            guard
                let change = try await registry.apply(
                    changes, comment: "r53hook start \(setIdentifier)",
                    action: "register \(record.summary)")
            else {
                logger.notice("the record or its mark changed while starting; reading them again")
                return nil
            }
            logger.info(
                "\(current == nil ? "registered" : current == record ? "marked" : "updated") \(record.summary) in \(zone.name) (change \(change.id), \(change.status.rawValue)); registry mark \(registry.registryName)"
            )
            guard settings.waitsForSync else { return (record, .written(change, waited: nil)) }
            let waited = try await waiter.waitUntilInSync(change, schedule: .patient)
            return (record, .written(change, waited: waited))
        }
    }

    /// [CREATE record, CREATE mark] without reading; nil when Route 53 refuses the batch (which
    /// then changed nothing), so that start reads and explains or swaps exactly.
    ///
    /// With the zone given by id and the address source configured, nothing needs the zone's
    /// name or visibility before the change, so the zone is not read either: Route 53 itself
    /// refuses a record outside the zone (InvalidChangeBatch) or a zone that does not exist
    /// (NoSuchHostedZone), and start then resolves the zone as usual, which explains it.
    private func createFirst(_ settings: JoinSettings) async throws -> (record: ResourceRecordSet, outcome: Outcome)? {
        let dns = try settings.target.requireRecord()
        let zone: HostedZone
        let record: ResourceRecordSet
        if case .id(let id) = dns.zone, let source = dns.address ?? (dns.recordType == .aaaa ? .ipv6 : nil) {
            // Only its id is used until Route 53 accepts the change.
            zone = HostedZone(id: id, name: dns.recordName, isPrivate: false)
            record = try await desiredRecord(settings.target, addressSource: source)
        } else {
            zone = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
            record = try await desiredRecord(settings.target, in: zone)
        }
        let registry = MemberRegistry(route53: route53, zone: zone, recordName: record.name, recordType: record.type)
        let setIdentifier = record.setIdentifier ?? ""
        let mark = MemberMark(
            instanceId: await identity.instanceIdForMark(), address: record.values.first ?? "",
            availabilityZone: await identity.availabilityZone(), joinedAt: Int(time.wallClock.seconds))
        let change: ChangeInfo
        do {
            change = try await route53.change(
                zoneId: zone.id,
                [RecordChange(.create, record), RecordChange(.create, registry.markRecord(setIdentifier: setIdentifier, mark: mark))],
                comment: "r53hook start \(setIdentifier)")
        } catch let error as AWSServiceError where error.code == "InvalidChangeBatch" || error.code == "NoSuchHostedZone" {
            logger.info("Route 53 refused to create \(record.summary) and its registry mark before reading (\(error.message)); reading them")
            return nil
        } catch let error as AWSServiceError {
            throw Route53Refusal.explain(error, action: "register \(record.summary)", zone: zone)
        }
        warnAboutHealthCheckTTL(record)
        logger.info(
            "registered \(record.summary) in zone \(zone.id) (change \(change.id), \(change.status.rawValue)); registry mark \(registry.registryName)"
        )
        guard settings.waitsForSync else { return (record, .written(change, waited: nil)) }
        return (record, .written(change, waited: try await waiter.waitUntilInSync(change, schedule: .patient)))
    }

    /// Refuses now what `run` would refuse (Route 53's limits, a record without the mark), so
    /// that `start` checks before it changes anything else, such as a load balancer.
    package func check(_ settings: JoinSettings) async throws {
        let dns = try settings.target.requireRecord()
        let zone = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
        let record = try await desiredRecord(settings.target, in: zone)
        _ = try await readAndCheck(
            record,
            registry: MemberRegistry(
                route53: route53, zone: zone, recordName: record.name,
                recordType: record.type), settings: settings)
    }

    /// Reads the set and this instance's mark; refuses what r53hook must not write.
    private func readAndCheck(_ record: ResourceRecordSet, registry: MemberRegistry, settings: JoinSettings) async throws
        -> (current: ResourceRecordSet?, markRecord: ResourceRecordSet?, mark: MemberMark?)
    {
        let siblings = try await route53.recordSets(zoneId: registry.zone.id, name: record.name, type: record.type)
        let current = siblings.first { $0.hasSameKey(as: record) }
        let markRecord = try await registry.currentMarkRecord(setIdentifier: record.setIdentifier ?? "")
        try checkLimits(record: record, current: current, siblings: siblings, zone: registry.zone)
        let mark = try checkOwnership(current: current, markRecord: markRecord, registry: registry, settings: settings)
        return (current, markRecord, mark)
    }

    /// CREATE when there is no record, else [DELETE the exact old one, CREATE the new one]: the
    /// batch fails, changing nothing, if someone else changed the record since it was read.
    static func swap(_ old: ResourceRecordSet?, for new: ResourceRecordSet) -> [RecordChange] {
        guard let old else { return [RecordChange(.create, new)] }
        return [RecordChange(.delete, old), RecordChange(.create, new)]
    }

    /// r53hook overwrites only what carries its mark (or what it was told to adopt); returns the mark.
    private func checkOwnership(
        current: ResourceRecordSet?, markRecord: ResourceRecordSet?, registry: MemberRegistry,
        settings: JoinSettings
    ) throws(DomainError) -> MemberMark? {
        if let markRecord {
            guard let mark = MemberRegistry.mark(of: markRecord) else {
                throw DomainError(
                    .foreignRecord,
                    "\(markRecord.summary) is not an r53hook registry mark; r53hook will not overwrite a record it did not make",
                    remedies: [.advice("remove it"), .useAnother(.memberIdentifier)])
            }
            return mark
        }
        if let current, !settings.adoptsUnmarkedRecord {
            throw DomainError(
                .foreignRecord,
                "\(current.summary) exists without r53hook's registry mark (\(registry.registryName) TXT), so r53hook did not make it and will not overwrite it",
                remedies: [.advice("delete it yourself"), .use(.adopt, purpose: "to take it over as this instance's record")]
            )
        }
        return nil
    }

    private func checkLimits(
        record: ResourceRecordSet, current: ResourceRecordSet?, siblings: [ResourceRecordSet],
        zone: HostedZone
    ) throws(DomainError) {
        if let current, !current.isPlainWeighted {
            throw DomainError(
                .foreignRecord,
                "\(current.summary) already exists and is not a plain weighted record; r53hook will not overwrite a record it did not make",
                remedies: [.useAnother(.memberIdentifier), .advice("remove it yourself")])
        }
        if let simple = siblings.first(where: { $0.setIdentifier == nil }) {
            throw DomainError(
                .conflictingRecord,
                "\(simple.name) \(simple.type) is a simple (non-weighted) record in \(zone.name); Route 53 cannot hold weighted records beside it",
                remedies: [.advice("delete it"), .useAnother(.recordName)])
        }
        if current == nil, siblings.count >= 100 {
            throw DomainError(
                .weightedSetFull,
                "\(record.name) \(record.type) already has \(siblings.count) weighted records, the Route 53 maximum of 100 per name and type: one record per instance caps a name at 100 instances. Use another name (or an ELB) for a larger fleet"
            )
        }
        if let ttl = record.ttl, let other = siblings.first(where: { $0.setIdentifier != record.setIdentifier && $0.ttl != nil && $0.ttl != ttl }) {
            logger.warning(
                "other records of \(record.name) \(record.type) have TTL \(other.ttl ?? 0), this one \(ttl); Route 53 gives every record of a name and type the last TTL written, so the whole set will change to \(ttl)"
            )
        }
        warnAboutHealthCheckTTL(record)
    }

    private func warnAboutHealthCheckTTL(_ record: ResourceRecordSet) {
        if record.healthCheckId != nil, let ttl = record.ttl, ttl > 60 {
            logger.warning("the record has a health check and a TTL of \(ttl) s; AWS recommends 60 s or less so failover takes effect quickly")
        }
    }
}
