import AWSKit
import Logging

/// `status`: this instance's identity and record, every record of the set (of each type, when
/// dual-stack), and how long resolvers would remember the name empty (the zone's SOA).
package struct RecordSetStatus: Sendable {
    /// What `status` found.
    package struct Report: Sendable, Equatable {
        /// The hosted zone.
        package let zone: HostedZone
        /// The record name.
        package let name: String
        /// The record type (`A,AAAA` when dual-stack).
        package let type: String
        /// The instance id, when IMDS could tell it.
        package let instanceId: String?
        /// The set identifier this instance uses, when known.
        package let setIdentifier: String?
        /// This instance's record, when it has one.
        package let ownRecord: ResourceRecordSet?
        /// Every record of the name and type (of each type, the first type first).
        package let records: [ResourceRecordSet]
        /// The zone's negative caching (from its SOA), when it could be read.
        package let negativeCaching: NegativeCaching?
    }

    private let route53: Route53Client
    private let identity: InstanceIdentity
    private let logger: Logger

    /// Creates the use case.
    package init(route53: Route53Client, identity: InstanceIdentity, logger: Logger) {
        self.route53 = route53
        self.identity = identity
        self.logger = logger
    }

    /// Runs `status`. Off EC2, with no set identifier given, it still lists the set.
    package func run(_ target: FleetTarget) async throws -> Report {
        let dns = try target.requireRecord()
        let zone = try await ZoneResolver(route53: route53).resolve(dns.zone, recordName: dns.recordName)
        var instanceId: String?
        do {
            instanceId = try await identity.instanceId()
        } catch let error where error is AWSKitError || error is DomainError {
            // IMDS off, unreachable or odd: the id is unknown, and the set is listed all the same.
            logger.debug("instance id unknown: \(error)")
        }
        let setIdentifier = target.setIdentifier ?? instanceId
        var records: [ResourceRecordSet] = []
        for type in dns.recordTypes {
            records += try await route53.recordSets(zoneId: zone.id, name: dns.recordName, type: type.rawValue)
        }
        return Report(
            zone: zone, name: dns.recordName, type: dns.recordTypes.map(\.rawValue).joined(separator: ","), instanceId: instanceId,
            setIdentifier: setIdentifier, ownRecord: records.first { $0.setIdentifier != nil && $0.setIdentifier == setIdentifier },
            records: records, negativeCaching: try await NegativeCaching.read(zone: zone, route53: route53))
    }
}
