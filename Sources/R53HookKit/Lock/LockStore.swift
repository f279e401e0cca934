import AWSKit

/// One lock's TXT record in a hosted zone, changed only by Route 53's atomic change batches:
/// CREATE fails when the record exists (acquire), [DELETE exact old, CREATE new] fails unless
/// the old value is still there (renew, take over), and an exact DELETE fails unless it is
/// (release). That all-or-nothing check is the compare-and-swap.
package struct LockStore: Sendable {
    private let route53: Route53Client
    private let time: any TimeSource
    /// The zone the record lives in.
    package let zone: HostedZone
    /// The record's name: `NAME._r53hook-lock.ZONE`.
    package let recordName: String
    /// Each call's own limit, since a lock may be held far longer than any command deadline.
    private let callBudget: Duration
    /// Short backoffs for a holder's renewal only: it has seconds before its fence, and one long
    /// random sleep must not use them up. Waiters keep the polite default backoff.
    private static let urgentRetryPolicy = RetryPolicy(baseDelay: .milliseconds(100), maximumDelay: .seconds(1))
    /// Waiters do not retry at all: a failed poll makes the next one come later (see FleetLock).
    private static let pollingRetryPolicy = RetryPolicy(maximumRetries: 0)

    /// Creates the store for a lock name in a zone.
    package init(
        route53: Route53Client, time: any TimeSource, zone: HostedZone, lockName: String,
        callBudget: Duration = .seconds(20)
    ) {
        self.route53 = route53
        self.time = time
        self.zone = zone
        self.recordName = DNSName.normalized("\(lockName)._r53hook-lock.\(zone.name)")
        self.callBudget = callBudget
    }

    /// Why a lock name is not acceptable, or nil: one DNS label of letters, digits, '-' and '_'.
    package static func problem(withName name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= 63 else { return "a lock name has 1 to 63 characters" }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return "a lock name has only letters, digits, '-' and '_'"
        }
        return nil
    }

    /// A valid lock name made from any text: lower-cased, other characters turned into '-',
    /// at most 63 characters.
    package static func name(from text: String) -> String {
        let cleaned = text.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" }
        return String(String(cleaned).prefix(63))
    }

    /// The record as it is now (exactly, for a later DELETE), or nil when nobody holds the lock.
    package func current(budget: Duration? = nil, urgent: Bool = false) async throws -> ResourceRecordSet? {
        return try await client(budget: budget, urgent: urgent).recordSets(zoneId: zone.id, name: recordName, type: RecordSetType.txt.rawValue).first
    }

    /// CREATE: true when this call created the record, false when it already existed. Any other
    /// refusal (a CNAME or another record in the way, a bad name) is a configuration error.
    package func create(_ value: LockRecord, budget: Duration? = nil) async throws -> Bool {
        try await apply([RecordChange(.create, record(value))], budget: budget, urgent: false, action: "create")
    }

    /// [DELETE old, CREATE new] at once: true when `old` was still exactly the record.
    package func replace(_ old: ResourceRecordSet, with value: LockRecord, budget: Duration? = nil, urgent: Bool = false) async throws -> Bool {
        try await apply(
            [RecordChange(.delete, old), RecordChange(.create, record(value))], budget: budget, urgent: urgent,
            action: "replace")
    }

    /// Exact DELETE: true when `old` was still exactly the record.
    package func delete(_ old: ResourceRecordSet, budget: Duration? = nil, urgent: Bool = false) async throws -> Bool {
        try await apply([RecordChange(.delete, old)], budget: budget, urgent: urgent, action: "delete")
    }

    /// The client for one call. An urgent call (a holder's renewal before its fence, a release)
    /// does not queue behind the process's rate limit: the limit counts every request the
    /// process sent, its lock polls included, and in the crash campaign a release waited
    /// seconds behind them while every other waiter waited for the record to go. Its answers
    /// still teach the limit, and its own short backoff paces it.
    private func client(budget: Duration?, urgent: Bool) -> Route53Client {
        let client = route53.with(
            deadline: Deadline(budget: budget ?? callBudget, time: time),
            retryPolicy: urgent ? Self.urgentRetryPolicy : Self.pollingRetryPolicy)
        return urgent ? client.withoutWaitingForRateLimit() : client
    }

    /// The record set holding a value.
    package func record(_ value: LockRecord) -> ResourceRecordSet {
        ResourceRecordSet(name: recordName, type: RecordSetType.txt.rawValue, ttl: 1, values: [value.txtValue])
    }

    /// Applies a batch: false when Route 53 refused it only because the record changed since it
    /// was read (`Route53Refusal.isStale`: the compare-and-swap lost). Every other refusal is
    /// explained, never taken for a lost race: retrying it cannot help.
    private func apply(_ changes: [RecordChange], budget: Duration?, urgent: Bool, action: String) async throws -> Bool {
        do {
            _ = try await client(budget: budget, urgent: urgent).change(zoneId: zone.id, changes, comment: "r53hook lock")
            return true
        } catch let error as AWSServiceError where Route53Refusal.isStale(error) {
            return false
        } catch let error as AWSServiceError {
            throw Route53Refusal.explain(
                error, action: "\(action) the lock record \(recordName) TXT", zone: zone,
                advice: "what Route 53 names is in the way of the lock's TXT record: remove it from \(zone.name), or choose another lock name")
        }
    }
}
