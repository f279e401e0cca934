import AWSKit
import Logging

/// `stop`: read this instance's record, DELETE exactly it, wait until the deletion is INSYNC,
/// then wait out the deleted record's TTL plus the drain margin, so resolvers that cached the
/// address let it expire while the service still answers.
public struct LeaveRecordSet: Sendable {
    /// What `stop` did.
    public enum Outcome: Sendable, Equatable {
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
    public init(route53: Route53Client, identity: InstanceIdentity, waiter: ChangeWaiter, drainTimer: DrainTimer, logger: Logger) {
        self.route53 = route53
        self.identity = identity
        self.waiter = waiter
        self.drainTimer = drainTimer
        self.logger = logger
    }

    /// What deleting the record did, before any waiting.
    public enum Deletion: Sendable, Equatable {
        /// There was no record for this instance.
        case notFound
        /// The record was deleted (by this change, or by someone else just before: nil).
        case deleted(ResourceRecordSet, change: ChangeInfo?)
        /// `--dry-run`: what would be done.
        case planned(WeightedRecordPlan)
    }

    /// Runs `stop`: delete, then wait and drain.
    public func run(_ settings: HookSettings) async throws -> Outcome {
        try await finish(try await delete(settings), settings: settings)
    }

    /// Reads this instance's record and deletes exactly it; no waiting.
    public func delete(_ settings: HookSettings) async throws -> Deletion {
        let dns = try settings.requireRecord()
        let zone = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
        let setIdentifier = try await identity.setIdentifier(settings)
        let type = dns.recordType.rawValue

        // The record can change between reading and deleting (a start racing this stop); DELETE
        // then fails with "values do not match" and nothing changes, so read again and retry.
        for _ in 1...3 {
            guard let current = try await route53.recordSet(zoneId: zone.id, name: dns.recordName, type: type,
                                                            setIdentifier: setIdentifier) else {
                logger.info("no \(type) record \(dns.recordName) with set identifier \(setIdentifier) in \(zone.name) (\(zone.id)); nothing to delete or drain")
                return .notFound
            }
            guard current.isPlainWeighted else {
                throw HookError(.configuration,
                                "\(current.summary) is not a plain weighted record; r53hook only deletes records it could have made, so it leaves this one alone")
            }
            let changes = [RecordChange(.delete, current)]
            if settings.dryRun {
                let ttl = Duration.seconds(current.ttl ?? 0)
                return .planned(WeightedRecordPlan(zone: zone, changes: changes, waits: [
                    "wait until Route 53 reports the change INSYNC (up to the \(Int(settings.deadline.seconds)) s deadline)",
                    "drain \(Int((ttl + settings.drainExtra).seconds)) s (the record's TTL \(current.ttl ?? 0) s + \(Int(settings.drainExtra.seconds)) s extra)",
                ]))
            }
            do {
                let change = try await route53.change(zoneId: zone.id, changes, comment: "r53hook stop \(setIdentifier)")
                logger.info("deleted \(current.summary) from \(zone.name) (change \(change.id), \(change.status.rawValue))")
                return .deleted(current, change: change)
            } catch let error as AWSServiceError where error.code == "InvalidChangeBatch" && error.message.contains("values provided do not match") {
                logger.notice("the record changed while stopping; reading it again")
                continue
            } catch let error as AWSServiceError where error.code == "InvalidChangeBatch" && error.message.contains("not found") {
                // Someone deleted it between our read and our delete; clients may still hold it.
                logger.info("\(current.summary) was deleted by someone else just now; draining anyway")
                return .deleted(current, change: nil)
            } catch let error as AWSServiceError {
                throw Route53Refusal.explain(error, action: "delete \(current.summary)", zone: zone)
            }
        }
        throw HookError(.temporary, "the record kept changing while stopping (3 tries); is another r53hook start running for \(setIdentifier)?")
    }

    /// Waits until the deletion is INSYNC, then drains the deleted record's TTL plus the margin.
    public func finish(_ deletion: Deletion, settings: HookSettings) async throws -> Outcome {
        switch deletion {
        case .notFound:
            return .notFound
        case .planned(let plan):
            return .planned(plan)
        case .deleted(let record, let change):
            let ttl = Duration.seconds(record.ttl ?? 0)
            var syncFailure: HookError?
            if let change {
                do {
                    try await waiter.waitUntilInSync(change)
                } catch let error as HookError where error.kind == .temporary || error.kind == .unreachable {
                    // The record is gone either way; drain before reporting, so the service still answers.
                    logger.warning("\(error.message); draining anyway")
                    syncFailure = error
                }
            }
            try await drainTimer.drain(ttl: ttl, extra: settings.drainExtra)
            if let syncFailure { throw syncFailure }
            return .deleted(record, change: change, drained: ttl + settings.drainExtra)
        }
    }
}
