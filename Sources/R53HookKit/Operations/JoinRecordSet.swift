import AWSKit
import Logging

/// `start`: UPSERT this instance's weighted record, then wait until the change is INSYNC.
///
/// It reads the record's weighted set first, so that a restart after a crash repairs a wrong
/// record, an identical record costs no change at all, and the Route 53 limits (100 weighted
/// records per name and type, no simple record beside weighted ones, one TTL per set) are
/// explained before Route 53 refuses.
public struct JoinRecordSet: Sendable {
    /// What `start` did.
    public enum Outcome: Sendable, Equatable {
        /// The record was already exactly as wanted.
        case unchanged
        /// The record was written; the wait is nil with `--no-wait`.
        case upserted(ChangeInfo, waited: Duration?)
        /// `--dry-run`: what would be done.
        case planned(WeightedRecordPlan)
    }

    private let route53: Route53Client
    private let identity: InstanceIdentity
    private let waiter: ChangeWaiter
    private let logger: Logger

    /// Creates the use case.
    public init(route53: Route53Client, identity: InstanceIdentity, waiter: ChangeWaiter, logger: Logger) {
        self.route53 = route53
        self.identity = identity
        self.waiter = waiter
        self.logger = logger
    }

    /// The record this instance should have in a zone.
    public func desiredRecord(_ settings: HookSettings, in zone: HostedZone) async throws -> ResourceRecordSet {
        let dns = try settings.requireRecord()
        let setIdentifier = try await identity.setIdentifier(settings)
        let address = try await identity.address(dns.addressSource(in: zone))
        return ResourceRecordSet(name: dns.recordName, type: dns.recordType.rawValue, setIdentifier: setIdentifier,
                                 weight: dns.weight, ttl: dns.ttl, values: [address.text], healthCheckId: dns.healthCheckId)
    }

    /// Runs `start`.
    public func run(_ settings: HookSettings) async throws -> (record: ResourceRecordSet, outcome: Outcome) {
        let dns = try settings.requireRecord()
        let zone = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
        let record = try await desiredRecord(settings, in: zone)
        let siblings = try await route53.recordSets(zoneId: zone.id, name: record.name, type: record.type)
        let current = siblings.first { $0.hasSameKey(as: record) }
        try checkLimits(record: record, current: current, siblings: siblings, zone: zone)

        if current == record {
            logger.info("\(record.summary) is already in \(zone.name) (\(zone.id)); nothing to change")
            return (record, settings.dryRun ? .planned(WeightedRecordPlan(zone: zone, changes: [], waits: [])) : .unchanged)
        }
        let changes = [RecordChange(.upsert, record)]
        if settings.dryRun {
            let waits = settings.waitsForSync ? ["wait until Route 53 reports the change INSYNC (up to the \(Int(settings.deadline.seconds)) s deadline)"] : []
            return (record, .planned(WeightedRecordPlan(zone: zone, changes: changes, waits: waits)))
        }

        let change: ChangeInfo
        do {
            change = try await route53.change(zoneId: zone.id, changes, comment: "r53hook start \(record.setIdentifier ?? "")")
        } catch let error as AWSServiceError {
            throw Route53Refusal.explain(error, action: "register \(record.summary)", zone: zone)
        }
        logger.info("\(current == nil ? "registered" : "updated") \(record.summary) in \(zone.name) (change \(change.id), \(change.status.rawValue))")
        guard settings.waitsForSync else { return (record, .upserted(change, waited: nil)) }
        let waited = try await waiter.waitUntilInSync(change)
        return (record, .upserted(change, waited: waited))
    }

    private func checkLimits(record: ResourceRecordSet, current: ResourceRecordSet?, siblings: [ResourceRecordSet],
                             zone: HostedZone) throws(HookError) {
        if let current, !current.isPlainWeighted {
            throw HookError(.configuration,
                            "\(current.summary) already exists and is not a plain weighted record; r53hook will not overwrite a record it did not make. Use another --set-identifier or remove it yourself")
        }
        if let simple = siblings.first(where: { $0.setIdentifier == nil }) {
            throw HookError(.configuration,
                            "\(simple.name) \(simple.type) is a simple (non-weighted) record in \(zone.name); Route 53 cannot hold weighted records beside it. Delete it or choose another --name")
        }
        if current == nil, siblings.count >= 100 {
            throw HookError(.configuration,
                            "\(record.name) \(record.type) already has \(siblings.count) weighted records, the Route 53 maximum of 100 per name and type: one record per instance caps a name at 100 instances. Use another name (or an ELB) for a larger fleet")
        }
        if let ttl = record.ttl, let other = siblings.first(where: { $0.setIdentifier != record.setIdentifier && $0.ttl != nil && $0.ttl != ttl }) {
            logger.warning("other records of \(record.name) \(record.type) have TTL \(other.ttl ?? 0), this one \(ttl); Route 53 gives every record of a name and type the last TTL written, so the whole set will change to \(ttl)")
        }
        if record.healthCheckId != nil, let ttl = record.ttl, ttl > 60 {
            logger.warning("the record has a health check and a TTL of \(ttl) s; AWS recommends 60 s or less so failover takes effect quickly")
        }
    }
}
