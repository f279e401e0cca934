import AWSKit

/// Validated settings for one run: every value checked, defaults applied, nothing left to parse.
public struct HookSettings: Sendable, Equatable {
    /// How the hosted zone is chosen.
    public enum ZoneSelector: Sendable, Equatable {
        /// By id.
        case id(String)
        /// By name, optionally only the private (true) or public (false) zone of that name.
        case name(String, isPrivate: Bool?)
    }

    /// The record types r53hook manages.
    public enum RecordType: String, Sendable, Equatable, CaseIterable {
        /// IPv4.
        case a = "A"
        /// IPv6.
        case aaaa = "AAAA"
    }

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
    /// The set identifier; nil means this instance's id.
    public var setIdentifier: String?
    /// The address source; nil means the default for the zone and type.
    public var address: AddressSource?
    /// A Route 53 health check to tie the record to.
    public var healthCheckId: String?
    /// The limit on all AWS waits and retries of the command.
    public var deadline: Duration
    /// Seconds added to the TTL when draining at stop.
    public var drainExtra: Duration
    /// Whether start waits until the change is INSYNC.
    public var waitsForSync: Bool
    /// Print the change batch and the waits; change nothing.
    public var dryRun: Bool
    /// Log every request and response (redacted).
    public var debug: Bool
    /// Allow falling back to IMDSv1.
    public var allowsIMDSv1: Bool

    /// Creates settings; `SettingsResolver` is the usual way.
    public init(zone: ZoneSelector, recordName: String, recordType: RecordType = .a, ttl: Int = 60, weight: Int = 10,
                setIdentifier: String? = nil, address: AddressSource? = nil, healthCheckId: String? = nil,
                deadline: Duration = .seconds(300), drainExtra: Duration = .seconds(5), waitsForSync: Bool = true,
                dryRun: Bool = false, debug: Bool = false, allowsIMDSv1: Bool = false) {
        self.zone = zone
        self.recordName = DNSName.normalized(recordName)
        self.recordType = recordType
        self.ttl = ttl
        self.weight = weight
        self.setIdentifier = setIdentifier
        self.address = address
        self.healthCheckId = healthCheckId
        self.deadline = deadline
        self.drainExtra = drainExtra
        self.waitsForSync = waitsForSync
        self.dryRun = dryRun
        self.debug = debug
        self.allowsIMDSv1 = allowsIMDSv1
    }

    /// The address source to use in a zone: the one configured, or public-ipv4 in a public zone,
    /// local-ipv4 in a private one, ipv6 for AAAA.
    public func addressSource(in zone: HostedZone) -> AddressSource {
        if let address { return address }
        if recordType == .aaaa { return .ipv6 }
        return zone.isPrivate ? .localIPv4 : .publicIPv4
    }
}
