/// The Route 53 part of the settings: which weighted record this instance owns.
package struct RecordSettings: Sendable, Equatable {
    /// The hosted zone.
    package var zone: ZoneSelector
    /// The record's name, normalized (lower-case, trailing dot).
    package var recordName: String
    /// A or AAAA.
    package var recordType: RecordType
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
        weight: Int = 10, address: AddressSource? = nil, healthCheckId: String? = nil
    ) {
        self.zone = zone
        self.recordName = DNSName.normalized(recordName)
        self.recordType = recordType
        self.ttl = ttl
        self.weight = weight
        self.address = address
        self.healthCheckId = healthCheckId
    }

    /// The address source to use in a zone: the one configured, or public-ipv4 in a public zone,
    /// local-ipv4 in a private one, ipv6 for AAAA.
    package func addressSource(in zone: HostedZone) -> AddressSource {
        if let address { return address }
        if recordType == .aaaa { return .ipv6 }
        return zone.isPrivate ? .localIPv4 : .publicIPv4
    }
}
