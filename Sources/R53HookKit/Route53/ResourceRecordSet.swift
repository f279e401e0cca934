/// A resource record set as Route 53 holds it. Only the parts r53hook writes are modelled; any
/// other routing feature found on a record is listed in `otherFeatures`, and r53hook then leaves
/// that record alone, since it cannot repeat it exactly in a DELETE and did not create it.
package struct ResourceRecordSet: Sendable, Equatable {
    /// The name, normalized.
    package var name: String
    /// The record type (`A`, `AAAA`, `TXT`, ...).
    package var type: String
    /// The set identifier of a weighted (or other routed) record.
    package var setIdentifier: String?
    /// The weight of a weighted record.
    package var weight: Int?
    /// True for a multivalue answer record; nil when the element is absent.
    package var multiValueAnswer: Bool?
    /// The time to live in seconds (absent for alias records).
    package var ttl: Int?
    /// The values.
    package var values: [String]
    /// The health check the record is tied to.
    package var healthCheckId: String?
    /// Names of other elements found on the record (AliasTarget, Region, Failover, ...).
    package var otherFeatures: [String]

    /// Creates a record set.
    package init(
        name: String, type: String, setIdentifier: String? = nil, weight: Int? = nil, ttl: Int? = nil,
        values: [String] = [], healthCheckId: String? = nil, otherFeatures: [String] = [], multiValueAnswer: Bool? = nil
    ) {
        self.name = DNSName.normalized(name)
        self.type = type
        self.setIdentifier = setIdentifier
        self.weight = weight
        self.ttl = ttl
        self.values = values
        self.healthCheckId = healthCheckId
        self.otherFeatures = otherFeatures
        self.multiValueAnswer = multiValueAnswer
    }

    /// Whether this is a plain weighted record that r53hook can repeat exactly.
    package var isPlainWeighted: Bool {
        setIdentifier != nil && weight != nil && multiValueAnswer == nil && ttl != nil && otherFeatures.isEmpty
    }

    /// The routing policy of a record r53hook could have written (weighted, or multivalue
    /// answer), nil for anything else: a simple record, another policy, an alias.
    package var routing: RoutingPolicy? {
        guard setIdentifier != nil, ttl != nil, otherFeatures.isEmpty else { return nil }
        switch (weight, multiValueAnswer) {
        case (.some, nil): return .weighted
        case (nil, true?): return .multivalue
        default: return nil
        }
    }

    /// Whether this is a simple record (no routing policy) with a TTL that r53hook can repeat
    /// exactly: what a per-instance name is.
    package var isPlainSimple: Bool {
        setIdentifier == nil && weight == nil && multiValueAnswer == nil && ttl != nil && otherFeatures.isEmpty
            && healthCheckId == nil
    }

    /// Whether this is a plain weighted or multivalue record that r53hook can repeat exactly.
    package var isPlainMember: Bool { routing != nil }

    /// Whether the record has the same name, type and set identifier.
    package func hasSameKey(as other: ResourceRecordSet) -> Bool {
        name == other.name && type == other.type && setIdentifier == other.setIdentifier
    }

    /// `app.example.com. A set i-0abc weight 10 TTL 60 → 203.0.113.7`.
    package var summary: String {
        var parts = ["\(name) \(type)"]
        if let setIdentifier { parts.append("set \(setIdentifier)") }
        if let weight { parts.append("weight \(weight)") }
        if multiValueAnswer == true { parts.append("multivalue") }
        if let ttl { parts.append("TTL \(ttl)") }
        if let healthCheckId { parts.append("health check \(healthCheckId)") }
        if !otherFeatures.isEmpty { parts.append("with \(otherFeatures.joined(separator: ", "))") }
        return parts.joined(separator: " ") + " -> " + (values.isEmpty ? "(no values)" : values.joined(separator: ", "))
    }
}
