import AWSKit

/// Finds the hosted zone the settings name, and checks the record belongs in it.
package struct ZoneResolver: Sendable {
    private let route53: Route53Client

    /// Creates a resolver.
    package init(route53: Route53Client) {
        self.route53 = route53
    }

    /// The zone, by id or by name, checked to hold the record.
    package func resolve(_ selector: ZoneSelector, recordName: String) async throws -> HostedZone {
        let zone = try await resolve(selector)
        guard zone.contains(recordName) else {
            throw DomainError(.recordOutsideZone, "the record \(recordName) is not in the zone \(zone.name) (\(zone.id)); the name must end with the zone's name")
        }
        return zone
    }

    /// The zone, by id or by name; a name shared by a public and a private zone needs a choice.
    package func resolve(_ selector: ZoneSelector) async throws -> HostedZone {
        let zone: HostedZone
        switch selector {
        case .id(let id):
            do {
                zone = try await route53.hostedZone(id: id)
            } catch let error as AWSServiceError where error.code == "NoSuchHostedZone" {
                throw DomainError(
                    .hostedZoneNotFound, "hosted zone \(id) does not exist in this account (\(error.message))", remedies: [.check(.zoneId)],
                    underlying: error)
            }
        case .name(let name, let isPrivate):
            let all = try await route53.hostedZones(named: name)
            let candidates = all.filter { isPrivate == nil || $0.isPrivate == isPrivate }
            switch candidates.count {
            case 1:
                zone = candidates[0]
            case 0:
                let which = isPrivate.map { $0 ? "private " : "public " } ?? ""
                let others = all.isEmpty ? "" : " (there is a \(all.map(\.visibility).joined(separator: " and ")) one)"
                throw DomainError(
                    .hostedZoneNotFound, "no \(which)hosted zone named \(name) in this account\(others)",
                    remedies: all.isEmpty ? [] : [.runWithout(.zoneVisibility, purpose: "to use it")])
            default:
                let listing = candidates.map { "\($0.visibility) \($0.id)" }.joined(separator: ", ")
                let remedies: [Remedy] =
                    Set(candidates.map(\.isPrivate)).count > 1
                    ? [.choose(.zoneVisibility), .giveExplicitly([.zoneId])]
                    : [.giveExplicitly([.zoneId])]
                throw DomainError(
                    .hostedZoneAmbiguous, "\(candidates.count) hosted zones are named \(name) (\(listing))", remedies: remedies)
            }
        }
        return zone
    }
}
