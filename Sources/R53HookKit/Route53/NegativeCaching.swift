/// How long resolvers remember that a name has no record of a type, read from the zone's SOA
/// record: RFC 2308 has them cache a negative answer for the lesser of the SOA record's own TTL
/// and its last field ("minimum"). Route 53 creates every zone with TTL 900 and a last field of
/// 86400, so by default a name that empties stays empty for resolvers that asked for up to
/// 900 s: far longer than a member's TTL, and the reason `stop` warns before it deletes the
/// last record of a name.
package struct NegativeCaching: Sendable, Equatable {
    /// The SOA record's TTL in seconds.
    package let soaTTL: Int
    /// The SOA record's last field (the negative-caching TTL) in seconds.
    package let minimumField: Int

    /// Creates the figures.
    package init(soaTTL: Int, minimumField: Int) {
        self.soaTTL = soaTTL
        self.minimumField = minimumField
    }

    /// Reads an SOA record set; nil when it is not one whose figures r53hook can read (seven
    /// fields, the last a whole number, and a TTL).
    package init?(soa record: ResourceRecordSet) {
        guard record.type == "SOA", let ttl = record.ttl, let value = record.values.first else { return nil }
        let fields = value.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 7, let last = fields.last, let minimum = Int(last), minimum >= 0 else { return nil }
        self.init(soaTTL: ttl, minimumField: minimum)
    }

    /// The zone's figures, read from its SOA record; nil when the zone has no SOA r53hook can read.
    package static func read(zone: HostedZone, route53: Route53Client) async throws -> NegativeCaching? {
        try await route53.recordSets(zoneId: zone.id, name: zone.name, type: "SOA").lazy.compactMap { NegativeCaching(soa: $0) }.first
    }

    /// Seconds a resolver caches "no such record": the lesser of the two figures.
    package var seconds: Int { min(soaTTL, minimumField) }

    /// `900 s (the lesser of the SOA's TTL 900 and its last field 86400)`.
    package var summary: String {
        "\(seconds) s (the lesser of the zone's SOA TTL \(soaTTL) and its last field \(minimumField))"
    }

    /// The warning before a deletion empties `name` of `type`: what the operator will see and
    /// what to do about it.
    package func lastRecordWarning(name: String, type: String) -> String {
        "this deletes the last \(type) record of \(name): resolvers that ask for it now cache the empty answer for up to \(summary), so the next instance to join stays invisible to them that long, much longer than the record's TTL. To shorten it, lower the SOA record's last field (and TTL) in the zone, e.g. to 60; or keep one member up"
    }
}
