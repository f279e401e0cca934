import AWSKit

/// The members of a weighted (or multivalue) record set, for the quorum: a record with weight
/// above zero, or a multivalue record, is healthy, unless it carries a health check that Route 53
/// reports unhealthy.
package struct WeightedSetMembers: Sendable {
    private let route53: Route53Client

    /// Creates the reader.
    package init(route53: Route53Client) {
        self.route53 = route53
    }

    /// Every record of the set as a member, keyed by set identifier.
    package func members(zone: HostedZone, name: String, type: String) async throws -> [FleetMember] {
        var members: [FleetMember] = []
        for record in try await route53.recordSets(zoneId: zone.id, name: name, type: type) {
            guard let id = record.setIdentifier else { continue }
            // A multivalue answer record has no weight: it is answered while healthy.
            let isMultivalue = record.multiValueAnswer == true
            let weight = record.weight ?? 0
            guard isMultivalue || weight > 0 else {
                members.append(FleetMember(id: id, health: .unused, detail: "weight 0"))
                continue
            }
            if let check = record.healthCheckId, try await !route53.healthCheckIsHealthy(id: check) {
                members.append(FleetMember(id: id, health: .unhealthy, detail: "health check \(check) failing"))
            } else {
                members.append(FleetMember(id: id, health: .healthy, detail: isMultivalue ? "multivalue" : "weight \(weight)"))
            }
        }
        return members
    }
}
