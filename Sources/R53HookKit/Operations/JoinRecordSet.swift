import AWSKit
import Logging

/// `start`: write this instance's weighted (or multivalue) record and its registry mark in one
/// change batch, then wait until the change is INSYNC. Dual-stack (A,AAAA), both records and
/// both marks go in that one batch, so no client ever sees the instance on one family only.
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

    /// The record this instance should have in a zone (the first of `desiredRecords`).
    package func desiredRecord(_ target: FleetTarget, in zone: HostedZone) async throws -> ResourceRecordSet {
        let records = try await desiredRecords(target, in: zone)
        guard let first = records.first else {
            throw DomainError(.internalInconsistency, "the record settings name no record type")
        }
        return first
    }

    /// The records this instance should have in a zone: one per type, each with the address of
    /// its family. Every address is read before anything changes, so an instance without IPv6
    /// asked for A,AAAA fails here, having changed nothing.
    package func desiredRecords(_ target: FleetTarget, in zone: HostedZone) async throws -> [ResourceRecordSet] {
        let dns = try target.requireRecord()
        let setIdentifier = try await identity.setIdentifier(target)
        var records: [ResourceRecordSet] = []
        for type in dns.recordTypes {
            let address = try await identity.address(dns.addressSource(in: zone, for: type))
            records.append(
                ResourceRecordSet(
                    name: dns.recordName, type: type.rawValue, setIdentifier: setIdentifier,
                    weight: dns.routing == .weighted ? dns.weight : nil, ttl: dns.ttl, values: [address.text],
                    healthCheckId: dns.healthCheckId, multiValueAnswer: dns.routing == .multivalue ? true : nil))
        }
        return records
    }

    /// Runs `start`: every type's record and mark in one batch, so a client never sees the
    /// instance on one address family only. Returns the first record.
    package func run(_ settings: JoinSettings) async throws -> (record: ResourceRecordSet, outcome: Outcome) {
        let dns = try settings.target.requireRecord()
        if settings.createsFirst, !settings.dryRun, let created = try await createFirst(settings) {
            return created
        }
        let (zone, records, firstRead) = try await zoneAndRecords(settings)
        guard let record = records.first else {
            throw DomainError(.internalInconsistency, "the record settings name no record type")
        }
        let registries = records.map { MemberRegistry(route53: route53, zone: zone, recordName: $0.name, recordType: $0.type) }
        // The zone as messages name it: "zone Z123" when only its id was needed.
        let zoneWasRead = firstRead == nil
        let zoneName = zoneWasRead ? zone.name : "zone \(zone.id)"
        var firstListing = firstRead
        let setIdentifier = record.setIdentifier ?? ""
        let instanceId = await identity.instanceIdForMark()
        let availabilityZone = try await identity.availabilityZone()
        let instanceName = try await self.instanceName(dns, zone: zone, setIdentifier: setIdentifier)
        let summaries = records.map(\.summary).joined(separator: " and ")

        return try await CompareAndSwapLoop.run(givingUp: { tries in
            DomainError(.recordKeptChanging, "the record kept changing while starting (\(tries) tries); is another r53hook running for \(setIdentifier)?")
        }) { () async throws -> (record: ResourceRecordSet, outcome: Outcome)? in
            var changes: [RecordChange] = []
            var done: [String] = []
            let joinedAt = Int(time.wallClock.seconds)
            for (wanted, registry) in zip(records, registries) {
                // The first round's first type was read already, by `zoneAndRecords`.
                let listing = firstListing
                firstListing = nil
                let (current, currentMark, oldMark) = try await readAndCheck(
                    wanted, registry: registry, settings: settings, listing: listing, zoneName: zoneName)
                var mark = MemberMark(
                    instanceId: instanceId, address: wanted.values.first ?? "", availabilityZone: availabilityZone,
                    joinedAt: joinedAt, role: oldMark?.role, group: oldMark?.group, instanceName: instanceName)
                if oldMark?.heartbeatAt != nil { mark.heartbeatAt = mark.joinedAt }
                let nameChanges = try await instanceNameChanges(wanted, instanceName: instanceName, oldMark: oldMark, zone: zone)
                let markIsCurrent =
                    oldMark.map {
                        $0.instanceId == mark.instanceId && $0.address == mark.address
                            && $0.availabilityZone == mark.availabilityZone && $0.instanceName == mark.instanceName
                    } ?? false
                if current == wanted && markIsCurrent && nameChanges.isEmpty { continue }
                if current != wanted {
                    changes += Self.swap(current, for: wanted)
                }
                let markRecord = registry.markRecord(setIdentifier: setIdentifier, mark: mark)
                guard MemberRegistry.mark(of: markRecord) != nil else {
                    throw DomainError(
                        .instanceNameInvalid,
                        "the registry mark would not fit in one TXT string of 255 characters with the per-instance name \(instanceName ?? "-"): use a shorter name",
                        remedies: [.useAnother(.instanceName)])
                }
                changes += Self.swap(currentMark, for: markRecord)
                changes += nameChanges
                let named = instanceName.map { ", per-instance name \($0)" } ?? ""
                done.append("\(current == nil ? "registered" : current == wanted ? "marked" : "updated") \(wanted.summary)\(named)")
            }
            if changes.isEmpty {
                logger.info(
                    "\(summaries) \(records.count > 1 ? "are" : "is") already in \(zoneWasRead ? "\(zone.name) (\(zone.id))" : zoneName), with \(records.count > 1 ? "their registry marks" : "its registry mark"); nothing to change"
                )
                return (record, settings.dryRun ? .planned(WeightedRecordPlan(zone: zone, changes: [], waits: [])) : .unchanged)
            }
            if settings.dryRun {
                let waits: [WeightedRecordPlan.Wait] = settings.waitsForSync ? [.inSync(deadline: settings.deadline)] : []
                return (record, .planned(WeightedRecordPlan(zone: zone, changes: changes, waits: waits)))
            }

            let applied: ChangeInfo?
            do {
                applied = try await registries[0].apply(changes, comment: "r53hook start \(setIdentifier)", action: "register \(summaries)")
            } catch let error as DomainError where !zoneWasRead {
                // Route 53 refused the batch, which changed nothing: a name outside the zone, or
                // no such zone, is explained in the zone's terms (78), as a read zone would have.
                _ = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
                throw error
            }
            guard let change = applied else {
                logger.notice("the record or its mark changed while starting; reading them again")
                return nil
            }
            logger.info(
                "\(done.joined(separator: "; ")) in \(zoneName) (change \(change.id), \(change.status.rawValue)); registry mark \(registries.map(\.registryName).joined(separator: " and "))"
            )
            guard settings.waitsForSync else { return (record, .written(change, waited: nil)) }
            let waited = try await waiter.waitUntilInSync(change, schedule: .patient)
            return (record, .written(change, waited: waited))
        }
    }

    /// The zone and the records to write. With `--zone-id` and configured addresses the zone is
    /// not read (GetHostedZone): nothing but its id is needed to write, and the first type's
    /// listing, read here, is returned for the first round (nil when the zone was read). Route 53
    /// holds only names at or below a zone's apex, so a listing with records at the name proves
    /// the name is in the zone; one without (the first member, or a name outside the zone) leads
    /// to the batch [CREATE record, CREATE mark], which Route 53 applies only inside the zone and
    /// only if neither exists, as `--create-first`'s: a refusal changed nothing, and `run` then
    /// reads the zone to explain it (a name outside it exits 78 as before).
    private func zoneAndRecords(_ settings: JoinSettings) async throws
        -> (zone: HostedZone, records: [ResourceRecordSet], firstRead: MemberListing?)
    {
        let dns = try settings.target.requireRecord()
        guard case .id(let id) = dns.zone, !settings.dryRun, dns.instanceName == nil,
            dns.recordTypes.allSatisfy(dns.addressSourceIgnoresZone(for:))
        else {
            let zone = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
            return (zone, try await desiredRecords(settings.target, in: zone), nil)
        }
        // Only its id is used: see above.
        let byId = HostedZone(id: id, name: dns.recordName, isPrivate: false)
        let records = try await desiredRecords(settings.target, in: byId)
        guard let first = records.first else { return (byId, records, nil) }
        let listing: MemberListing
        do {
            listing = try await MemberListing.read(
                route53: route53, zoneId: id, recordName: first.name, recordType: first.type, setIdentifier: first.setIdentifier ?? "")
        } catch let error as AWSServiceError where error.code == "InvalidInput" || error.code == "NoSuchHostedZone" {
            // Explained in the zone's terms (no such zone, a name outside it) where it can be.
            _ = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
            throw error
        }
        return (byId, records, listing)
    }

    /// The per-instance name on this instance, checked to lie in the zone and not to be the
    /// member record's own name; nil without a template.
    private func instanceName(_ dns: RecordSettings, zone: HostedZone, setIdentifier: String) async throws -> String? {
        guard let template = dns.instanceName else { return nil }
        let values = try await identity.instanceNameValues(template.placeholders, setIdentifier: setIdentifier)
        let name: String
        do throws(InstanceNameTemplate.Problem) {
            name = try template.expand(values)
        } catch {
            throw DomainError(.instanceNameInvalid, "the per-instance name \(template) does not work here: \(error.reason)", remedies: [.check(.instanceName)])
        }
        guard zone.contains(name) else {
            throw DomainError(
                .instanceNameInvalid, "the per-instance name \(name) is not in the zone \(zone.name) (\(zone.id))", remedies: [.check(.instanceName)])
        }
        guard name != dns.recordName else {
            throw DomainError(
                .instanceNameInvalid, "the per-instance name \(name) is the member record's own name; it must be a name of its own",
                remedies: [.check(.instanceName)])
        }
        return name
    }

    /// The changes that give this instance its per-instance name for one type: CREATE it (or
    /// repair it) when the mark owns it or nothing is there, DELETE the one the mark owned under
    /// an older template. A record at the name that the mark does not own is refused.
    private func instanceNameChanges(
        _ wanted: ResourceRecordSet, instanceName: String?, oldMark: MemberMark?, zone: HostedZone
    ) async throws -> [RecordChange] {
        var changes: [RecordChange] = []
        if let instanceName {
            let desired = ResourceRecordSet(name: instanceName, type: wanted.type, ttl: wanted.ttl, values: wanted.values)
            let existing = try await route53.recordSets(zoneId: zone.id, name: instanceName, type: wanted.type)
            var current: ResourceRecordSet?
            if let found = existing.first {
                guard oldMark?.instanceName == instanceName, existing.count == 1, found.isPlainSimple else {
                    throw DomainError(
                        .conflictingRecord,
                        "\(found.summary) already exists and this instance's registry mark does not own it, so r53hook will not overwrite it as this instance's per-instance name",
                        remedies: [.useAnother(.instanceName), .advice("delete it yourself if it is stale")])
                }
                current = found
            }
            if current != desired { changes += Self.swap(current, for: desired) }
        }
        if let owned = oldMark?.instanceName, owned != instanceName, let oldMark {
            // The template changed: the name the mark owned goes, if it is still what r53hook wrote.
            let old = try await route53.recordSets(zoneId: zone.id, name: owned, type: wanted.type)
            if let record = old.first(where: { $0.isPlainSimple && $0.values == [oldMark.address] }) {
                changes.append(RecordChange(.delete, record))
            }
        }
        return changes
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
        // A per-instance name needs its collision check (a read) before any change.
        guard dns.instanceName == nil else { return nil }
        let zone: HostedZone
        let records: [ResourceRecordSet]
        if case .id(let id) = dns.zone, dns.recordTypes.allSatisfy(dns.addressSourceIgnoresZone(for:)) {
            // Only its id is used until Route 53 accepts the change.
            zone = HostedZone(id: id, name: dns.recordName, isPrivate: false)
            records = try await desiredRecords(settings.target, in: zone)
        } else {
            zone = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
            records = try await desiredRecords(settings.target, in: zone)
        }
        guard let record = records.first else {
            throw DomainError(.internalInconsistency, "the record settings name no record type")
        }
        let setIdentifier = record.setIdentifier ?? ""
        let instanceId = await identity.instanceIdForMark()
        let availabilityZone = try await identity.availabilityZone()
        let joinedAt = Int(time.wallClock.seconds)
        var changes: [RecordChange] = []
        var marks: [String] = []
        for wanted in records {
            let registry = MemberRegistry(route53: route53, zone: zone, recordName: wanted.name, recordType: wanted.type)
            let mark = MemberMark(
                instanceId: instanceId, address: wanted.values.first ?? "", availabilityZone: availabilityZone, joinedAt: joinedAt)
            changes += [RecordChange(.create, wanted), RecordChange(.create, registry.markRecord(setIdentifier: setIdentifier, mark: mark))]
            marks.append(registry.registryName)
        }
        let summaries = records.map(\.summary).joined(separator: ", ")
        let change: ChangeInfo
        do {
            change = try await route53.change(zoneId: zone.id, changes, comment: "r53hook start \(setIdentifier)")
        } catch let error as AWSServiceError where error.code == "InvalidChangeBatch" || error.code == "NoSuchHostedZone" {
            logger.info("Route 53 refused to create \(summaries) and the registry marks before reading (\(error.message)); reading them")
            return nil
        } catch let error as AWSServiceError {
            throw Route53Refusal.explain(error, action: "register \(summaries)", zone: zone)
        }
        records.forEach(warnAboutHealthCheckTTL)
        logger.info(
            "registered \(summaries) in zone \(zone.id) (change \(change.id), \(change.status.rawValue)); registry mark \(marks.joined(separator: " and "))"
        )
        guard settings.waitsForSync else { return (record, .written(change, waited: nil)) }
        return (record, .written(change, waited: try await waiter.waitUntilInSync(change, schedule: .patient)))
    }

    /// Refuses now what `run` would refuse (Route 53's limits, a record without the mark), so
    /// that `start` checks before it changes anything else, such as a load balancer.
    package func check(_ settings: JoinSettings) async throws {
        let dns = try settings.target.requireRecord()
        let zone = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
        let records = try await desiredRecords(settings.target, in: zone)
        let instanceName = try await self.instanceName(dns, zone: zone, setIdentifier: records.first?.setIdentifier ?? "")
        for record in records {
            let (_, _, mark) = try await readAndCheck(
                record,
                registry: MemberRegistry(
                    route53: route53, zone: zone, recordName: record.name,
                    recordType: record.type), settings: settings)
            _ = try await instanceNameChanges(record, instanceName: instanceName, oldMark: mark, zone: zone)
        }
    }

    /// Reads the set and this instance's mark; refuses what r53hook must not write.
    private func readAndCheck(
        _ record: ResourceRecordSet, registry: MemberRegistry, settings: JoinSettings, listing prefetched: MemberListing? = nil,
        zoneName: String? = nil
    ) async throws
        -> (current: ResourceRecordSet?, markRecord: ResourceRecordSet?, mark: MemberMark?)
    {
        // The set and the mark in one read where Route 53's listing shows both.
        let listing: MemberListing
        if let prefetched {
            listing = prefetched
        } else {
            listing = try await MemberListing.read(
                route53: route53, zoneId: registry.zone.id, recordName: record.name, recordType: record.type,
                setIdentifier: record.setIdentifier ?? "")
        }
        let siblings = listing.siblings
        let current = siblings.first { $0.hasSameKey(as: record) }
        let markRecord = listing.markRecord
        try checkLimits(record: record, current: current, siblings: siblings, zoneName: zoneName ?? registry.zone.name)
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
        zoneName: String
    ) throws(DomainError) {
        let policy = record.routing ?? .weighted
        if let current, !current.isPlainMember {
            throw DomainError(
                .foreignRecord,
                "\(current.summary) already exists and is not a plain weighted record (nor a plain multivalue one); r53hook will not overwrite a record it did not make",
                remedies: [.useAnother(.memberIdentifier), .advice("remove it yourself")])
        }
        if let simple = siblings.first(where: { $0.setIdentifier == nil }) {
            throw DomainError(
                .conflictingRecord,
                "\(simple.name) \(simple.type) is a simple (non-weighted) record in \(zoneName); Route 53 cannot hold \(policy.rawValue) records beside it",
                remedies: [.advice("delete it"), .useAnother(.recordName)])
        }
        // Route 53 allows one routing policy per name and type; say so before it refuses the batch.
        if let other = siblings.first(where: { $0.setIdentifier != record.setIdentifier && $0.routing != policy }) {
            let theirs = other.routing.map { "\($0.rawValue) records" } ?? "records of another routing policy"
            var remedies: [Remedy] = [.useAnother(.recordName)]
            if let otherPolicy = other.routing { remedies.insert(.set(.routing, to: otherPolicy.rawValue), at: 0) }
            throw DomainError(
                .conflictingRecord,
                "\(record.name) \(record.type) already holds \(theirs) (\(other.summary)); Route 53 allows one routing policy per name and type, so it cannot hold this \(policy.rawValue) record beside them",
                remedies: remedies)
        }
        if current == nil, siblings.count >= 100 {
            throw DomainError(
                .weightedSetFull,
                "\(record.name) \(record.type) already has \(siblings.count) \(policy.rawValue) records, the Route 53 maximum of 100 per name and type: one record per instance caps a name at 100 instances. Use another name (or an ELB) for a larger fleet"
            )
        }
        if policy == .multivalue, current == nil, siblings.count >= 8 {
            logger.info(
                "\(record.name) \(record.type) will have \(siblings.count + 1) multivalue records; Route 53 answers each query with up to eight healthy ones, chosen at random"
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
