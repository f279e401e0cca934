/// The Route 53 part of the settings: which record (or, dual-stack, which A and AAAA records)
/// this instance owns in a weighted or multivalue set.
package struct RecordSettings: Sendable, Equatable {
    /// The hosted zone.
    package var zone: ZoneSelector
    /// The record's name, normalized (lower-case, trailing dot).
    package var recordName: String
    /// The types this instance writes, in order: one of A and AAAA, or both (dual-stack), which
    /// start and stop then change in one atomic batch.
    package var recordTypes: [RecordType]
    /// Weighted (the default) or multivalue answer routing.
    package var routing: RoutingPolicy
    /// A simple record for this instance alone, written and deleted with its member record.
    package var instanceName: InstanceNameTemplate?
    /// Seconds clients may cache the record; also the drain time at stop.
    package var ttl: Int
    /// The weighted-routing weight, 0 to 255.
    package var weight: Int
    /// The address source; nil means the default for the zone and type.
    package var address: AddressSource?
    /// A Route 53 health check to tie the record to.
    package var healthCheckId: String?

    /// Creates record settings with the documented defaults.
    package init(
        zone: ZoneSelector, recordName: String, recordType: RecordType = .a, ttl: Int = 60,
        weight: Int = 10, address: AddressSource? = nil, healthCheckId: String? = nil, routing: RoutingPolicy = .weighted
    ) {
        self.zone = zone
        self.recordName = DNSName.normalized(recordName)
        self.recordTypes = [recordType]
        self.routing = routing
        self.ttl = ttl
        self.weight = weight
        self.address = address
        self.healthCheckId = healthCheckId
    }

    /// The first type: the one the commands that read one set (members, heartbeat, role, sweep)
    /// work on. Setting it makes the settings single-type again.
    package var recordType: RecordType {
        get { recordTypes.first ?? .a }
        set { recordTypes = [newValue] }
    }

    /// Whether start and stop write both an A and an AAAA record.
    package var isDualStack: Bool { recordTypes.count > 1 }

    /// The address source to use in a zone for the first type.
    package func addressSource(in zone: HostedZone) -> AddressSource {
        addressSource(in: zone, for: recordType)
    }

    /// Whether a type's address source is the same in every zone (an address of its family is
    /// configured, or it is AAAA): then `start --create-first` need not read the zone first.
    package func addressSourceIgnoresZone(for type: RecordType) -> Bool {
        type == .aaaa || address?.family == .v4
    }

    /// The address source for one type: the one configured when it is of the type's family (with
    /// A,AAAA an address applies to its own family only), else public-ipv4 in a public zone,
    /// local-ipv4 in a private one, ipv6 for AAAA.
    package func addressSource(in zone: HostedZone, for type: RecordType) -> AddressSource {
        if let address, address.family == (type == .a ? .v4 : .v6) { return address }
        if type == .aaaa { return .ipv6 }
        return zone.isPrivate ? .localIPv4 : .publicIPv4
    }
}
