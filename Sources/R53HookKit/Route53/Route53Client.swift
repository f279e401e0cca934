import AWSKit
import SigV4
import XMLLite

/// The Route 53 calls r53hook makes, over the shared request sender.
public struct Route53Client: Sendable {
    private let aws: AWSClient
    private let service: AWSService
    private static let version = "/2013-04-01"

    /// Creates a client.
    public init(aws: AWSClient, service: AWSService) {
        self.aws = aws
        self.service = service
    }

    /// The same client with another deadline for every call.
    public func with(deadline: Deadline, retryPolicy: RetryPolicy? = nil) -> Route53Client {
        Route53Client(aws: aws.with(deadline: deadline, retryPolicy: retryPolicy), service: service)
    }

    /// GetHostedZone.
    public func hostedZone(id: String) async throws -> HostedZone {
        let root = try await send(AWSOperation(name: "GetHostedZone", method: "GET", path: "\(Self.version)/hostedzone/\(id)",
                                               resourceARN: "arn:aws:route53:::hostedzone/\(id)"))
        guard let zone = root.child("HostedZone") else {
            throw HookError(.unreachable, "Route 53 answered GetHostedZone without a HostedZone")
        }
        return try Route53XML.hostedZone(from: zone)
    }

    /// Every hosted zone with exactly this name (a public and a private one can share it),
    /// through ListHostedZonesByName.
    public func hostedZones(named name: String) async throws -> [HostedZone] {
        let wanted = DNSName.normalized(name)
        var found: [HostedZone] = []
        var query = [SigV4QueryItem(name: "dnsname", value: wanted), SigV4QueryItem(name: "maxitems", value: "100")]
        while true {
            let root = try await send(AWSOperation(name: "ListHostedZonesByName", method: "GET",
                                                   path: "\(Self.version)/hostedzonesbyname", query: query))
            let zones = try (root.child("HostedZones")?.children(named: "HostedZone") ?? []).map { element throws(HookError) in
                try Route53XML.hostedZone(from: element)
            }
            found += zones.filter { $0.name == wanted }
            // The listing is sorted by name; once it moves past the wanted name there is no more.
            guard root.childText("IsTruncated") == "true", zones.allSatisfy({ $0.name == wanted }),
                  let nextName = root.childText("NextDNSName"), let nextId = root.childText("NextHostedZoneId"),
                  DNSName.normalized(nextName) == wanted else { return found }
            query = [SigV4QueryItem(name: "dnsname", value: nextName), SigV4QueryItem(name: "hostedzoneid", value: nextId),
                     SigV4QueryItem(name: "maxitems", value: "100")]
        }
    }

    /// Every record set of a name and type, through ListResourceRecordSets with paging by
    /// name, type and set identifier.
    public func recordSets(zoneId: String, name: String, type: String) async throws -> [ResourceRecordSet] {
        let wanted = DNSName.normalized(name)
        var records: [ResourceRecordSet] = []
        var start = (name: wanted, type: type, identifier: String?.none)
        while true {
            var query = [SigV4QueryItem(name: "name", value: start.name), SigV4QueryItem(name: "type", value: start.type),
                         SigV4QueryItem(name: "maxitems", value: "300")]
            if let identifier = start.identifier { query.append(SigV4QueryItem(name: "identifier", value: identifier)) }
            let root = try await listRecordSets(zoneId: zoneId, query: query)
            let page = try (root.child("ResourceRecordSets")?.children(named: "ResourceRecordSet") ?? [])
                .map { element throws(HookError) in try Route53XML.recordSet(from: element) }
            let matching = page.filter { $0.name == wanted && $0.type == type }
            records += matching
            guard root.childText("IsTruncated") == "true", matching.count == page.count,
                  let nextName = root.childText("NextRecordName"), let nextType = root.childText("NextRecordType"),
                  DNSName.normalized(nextName) == wanted, nextType == type else { return records }
            let nextIdentifier = root.childText("NextRecordIdentifier")
            if nextIdentifier == start.identifier && start.identifier != nil {
                throw HookError(.unreachable, "Route 53 returned the same page twice while listing \(wanted) \(type); stopping")
            }
            start = (nextName, nextType, nextIdentifier)
        }
    }

    /// The one record set with this name, type and set identifier, or nil.
    public func recordSet(zoneId: String, name: String, type: String, setIdentifier: String) async throws -> ResourceRecordSet? {
        let wanted = DNSName.normalized(name)
        let query = [SigV4QueryItem(name: "name", value: wanted), SigV4QueryItem(name: "type", value: type),
                     SigV4QueryItem(name: "identifier", value: setIdentifier), SigV4QueryItem(name: "maxitems", value: "1")]
        let root = try await listRecordSets(zoneId: zoneId, query: query)
        let first = try root.child("ResourceRecordSets")?.children(named: "ResourceRecordSet").first
            .map { element throws(HookError) in try Route53XML.recordSet(from: element) }
        guard let first, first.name == wanted, first.type == type, first.setIdentifier == setIdentifier else { return nil }
        return first
    }

    /// ChangeResourceRecordSets: applies all the changes or none.
    public func change(zoneId: String, _ changes: [RecordChange], comment: String?) async throws -> ChangeInfo {
        let body = try Route53XML.changeBatch(changes, comment: comment)
        let root = try await send(AWSOperation(name: "ChangeResourceRecordSets", method: "POST",
                                               path: "\(Self.version)/hostedzone/\(zoneId)/rrset",
                                               body: Array(body.utf8), contentType: "application/xml",
                                               resourceARN: "arn:aws:route53:::hostedzone/\(zoneId)"))
        return try Route53XML.changeInfo(from: root)
    }

    /// GetChange.
    public func change(id: String) async throws -> ChangeInfo {
        let root = try await send(AWSOperation(name: "GetChange", method: "GET", path: "\(Self.version)/change/\(id)",
                                               resourceARN: "arn:aws:route53:::change/\(id)"))
        return try Route53XML.changeInfo(from: root)
    }

    /// Whether Route 53 considers a health check healthy: more than 18% of its checkers report
    /// success (GetHealthCheckStatus).
    public func healthCheckIsHealthy(id: String) async throws -> Bool {
        let root = try await send(AWSOperation(name: "GetHealthCheckStatus", method: "GET",
                                               path: "\(Self.version)/healthcheck/\(id)/status",
                                               resourceARN: "arn:aws:route53:::healthcheck/\(id)"))
        let statuses = root.child("HealthCheckObservations")?.children(named: "HealthCheckObservation")
            .compactMap { $0.element(at: "StatusReport", "Status")?.trimmedText } ?? []
        guard !statuses.isEmpty else { return false }
        let succeeding = statuses.filter { $0.hasPrefix("Success") }.count
        return Double(succeeding) / Double(statuses.count) > 0.18
    }

    private func listRecordSets(zoneId: String, query: [SigV4QueryItem]) async throws -> XMLElement {
        try await send(AWSOperation(name: "ListResourceRecordSets", method: "GET",
                                    path: "\(Self.version)/hostedzone/\(zoneId)/rrset", query: query,
                                    resourceARN: "arn:aws:route53:::hostedzone/\(zoneId)"))
    }

    private func send(_ operation: AWSOperation) async throws -> XMLElement {
        try await aws.send(operation, to: service)
    }
}
