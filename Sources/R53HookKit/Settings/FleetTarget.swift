import AWSKit

/// What this instance is a member of: its weighted DNS record, its load balancer, or both, and
/// the set identifier it uses. Every command that reads or changes this instance's membership
/// starts from it.
package struct FleetTarget: Sendable, Equatable {
    /// The weighted DNS record, when DNS is used.
    package var record: RecordSettings?
    /// The load balancer, when one is used.
    package var loadBalancer: LoadBalancerTarget?
    /// The set identifier; nil means this instance's id (from IMDS).
    package var setIdentifier: String?

    /// Creates a target.
    package init(record: RecordSettings? = nil, loadBalancer: LoadBalancerTarget? = nil, setIdentifier: String? = nil) {
        self.record = record
        self.loadBalancer = loadBalancer
        self.setIdentifier = setIdentifier
    }

    /// One target per record type, each of one type: the registry commands (members, heartbeat,
    /// sweep) and the quorum run once per type, since each type has its own set and marks.
    package var perRecordType: [FleetTarget] {
        guard let record, record.isDualStack else { return [self] }
        return record.recordTypes.map { type in
            var single = self
            single.record?.recordType = type
            return single
        }
    }

    /// The record settings, for a use case that needs DNS. The command line refuses a missing
    /// record before any use case runs, so reaching the error here is a bug.
    package func requireRecord() throws(DomainError) -> RecordSettings {
        guard let record else {
            throw DomainError(.internalInconsistency, "a DNS use case ran without a record (hosted zone and record name)")
        }
        return record
    }
}
