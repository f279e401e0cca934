/// The Route 53 part of the settings: which weighted record this instance owns.
public struct RecordSettings: Sendable, Equatable {
    /// The hosted zone.
    public var zone: ZoneSelector
    /// The record's name, normalized (lower-case, trailing dot).
    public var recordName: String
    /// A or AAAA.
    public var recordType: RecordType
    /// Seconds clients may cache the record; also the drain time at stop.
    public var ttl: Int
    /// The weighted-routing weight, 0 to 255.
    public var weight: Int
    /// The address source; nil means the default for the zone and type.
    public var address: AddressSource?
    /// A Route 53 health check to tie the record to.
    public var healthCheckId: String?

    /// Creates record settings with the documented defaults.
    public init(
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
    public func addressSource(in zone: HostedZone) -> AddressSource {
        if let address { return address }
        if recordType == .aaaa { return .ipv6 }
        return zone.isPrivate ? .localIPv4 : .publicIPv4
    }
}
