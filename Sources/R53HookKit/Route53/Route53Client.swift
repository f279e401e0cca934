import AWSKit
import SigV4
import XMLLite

/// The Route 53 calls r53hook makes, over the shared request sender.
package struct Route53Client: Sendable {
    private let aws: AWSClient
    private let service: AWSService
    private static let version = "/2013-04-01"

    /// Creates a client.
    package init(aws: AWSClient, service: AWSService) {
        self.aws = aws
        self.service = service
    }

    /// The same client with another deadline for every call.
    package func with(deadline: Deadline, retryPolicy: RetryPolicy? = nil) -> Route53Client {
        Route53Client(aws: aws.with(deadline: deadline, retryPolicy: retryPolicy), service: service)
    }

    /// The same client whose requests do not wait for the process's rate limit
    /// (`AWSClient.withoutWaitingForRateLimit`).
    package func withoutWaitingForRateLimit() -> Route53Client {
        Route53Client(aws: aws.withoutWaitingForRateLimit(), service: service)
    }

    /// Whether Route 53 has throttled this process: the account is busy.
    package func isThrottled() async -> Bool {
        await aws.isThrottled(by: service)
    }

    /// GetHostedZone.
    package func hostedZone(id: String) async throws -> HostedZone {
        let root = try await send(
            AWSOperation(
                name: "GetHostedZone", method: "GET", path: "\(Self.version)/hostedzone/\(id)",
                resourceARN: "arn:aws:route53:::hostedzone/\(id)"))
        guard let zone = root.child("HostedZone") else {
            throw DomainError(.unexpectedResponse, "Route 53 answered GetHostedZone without a HostedZone")
        }
        return try Route53XML.hostedZone(from: zone)
    }

    /// Record sets asked for a ListResourceRecordSets page. Route 53 allows 100 weighted record
    /// sets per name and type, so one page holds a whole weighted set, and the answer stays
    /// within `AWSService.route53ResponseLimits` (300 a page could not).
    static let recordSetPageSize = 100
    /// The largest page r53hook asks for (`recordSetPage`): a whole weighted set and the
    /// registry marks after it. Record sets of the usual size (a weighted record or a mark, well
    /// under 1 KB) keep it far within `AWSService.route53ResponseLimits`; a page of huge ones
    /// that is not is refused, and `MemberListing` then reads as it did before.
    package static let largestRecordSetPage = 200
    /// Most ListResourceRecordSets pages read for one name and type: ten (1,000 record sets)
    /// leave room for any other routing policy (geolocation, the largest, has a few hundred
    /// locations); more is not Route 53, and must not loop for ever.
    static let maximumRecordSetPages = 10
    /// Most ListHostedZonesByName pages of zones of one name: 100 a page, so up to 1,000 zones
    /// of the same name, twice the default quota of 500 hosted zones per account.
    static let maximumHostedZonePages = 10

    /// Every hosted zone with exactly this name (a public and a private one can share it),
    /// through ListHostedZonesByName. Each page must move on to a zone not seen yet, within
    /// `maximumHostedZonePages`: an endpoint that repeats itself is an error, not a loop.
    package func hostedZones(named name: String) async throws -> [HostedZone] {
        let wanted = DNSName.normalized(name)
        var found: [HostedZone] = []
        var seen = Set<String>()
        var query = [SigV4QueryItem(name: "dnsname", value: wanted), SigV4QueryItem(name: "maxitems", value: "100")]
        for _ in 0..<Self.maximumHostedZonePages {
            let root = try await send(
                AWSOperation(
                    name: "ListHostedZonesByName", method: "GET",
                    path: "\(Self.version)/hostedzonesbyname", query: query))
            let zones = try (root.child("HostedZones")?.children(named: "HostedZone") ?? []).map { element throws(DomainError) in
                try Route53XML.hostedZone(from: element)
            }
            found += zones.filter { $0.name == wanted && !seen.contains($0.id) }
            seen.formUnion(zones.map(\.id))
            // The listing is sorted by name; once it moves past the wanted name there is no more.
            guard root.childText("IsTruncated") == "true", zones.allSatisfy({ $0.name == wanted }) else { return found }
            guard let nextName = root.childText("NextDNSName"), let nextId = root.childText("NextHostedZoneId") else {
                throw Self.brokenPaging("ListHostedZonesByName", listing: wanted, "a truncated page without NextDNSName and NextHostedZoneId")
            }
            guard DNSName.normalized(nextName) == wanted else { return found }
            guard !zones.isEmpty, !seen.contains(nextId) else {
                throw Self.brokenPaging("ListHostedZonesByName", listing: wanted, "a next page that does not move on (zone \(nextId) again)")
            }
            query = [
                SigV4QueryItem(name: "dnsname", value: nextName), SigV4QueryItem(name: "hostedzoneid", value: nextId),
                SigV4QueryItem(name: "maxitems", value: "100"),
            ]
        }
        throw Self.brokenPaging(
            "ListHostedZonesByName", listing: wanted,
            "more than \(Self.maximumHostedZonePages) pages of zones of that one name")
    }

    /// Every record set of a name and type, through ListResourceRecordSets with paging by
    /// name, type and set identifier. Each page must start at a set identifier not seen yet,
    /// and a truncated page must say where the next starts, within `maximumRecordSetPages`:
    /// an endpoint that repeats itself is an error, not a loop.
    package func recordSets(zoneId: String, name: String, type: String) async throws -> [ResourceRecordSet] {
        let wanted = DNSName.normalized(name)
        var records: [ResourceRecordSet] = []
        var seen = Set<String>()
        var start = (name: wanted, type: type, identifier: String?.none)
        for _ in 0..<Self.maximumRecordSetPages {
            var query = [
                SigV4QueryItem(name: "name", value: start.name), SigV4QueryItem(name: "type", value: start.type),
                SigV4QueryItem(name: "maxitems", value: String(Self.recordSetPageSize)),
            ]
            if let identifier = start.identifier { query.append(SigV4QueryItem(name: "identifier", value: identifier)) }
            let root = try await listRecordSets(zoneId: zoneId, query: query)
            let page = try (root.child("ResourceRecordSets")?.children(named: "ResourceRecordSet") ?? [])
                .map { element throws(DomainError) in try Route53XML.recordSet(from: element) }
            let matching = page.filter { $0.name == wanted && $0.type == type }
            records += matching
            seen.formUnion(matching.map { $0.setIdentifier ?? "" })
            guard root.childText("IsTruncated") == "true", matching.count == page.count else { return records }
            guard let nextName = root.childText("NextRecordName"), let nextType = root.childText("NextRecordType") else {
                throw Self.brokenPaging(
                    "ListResourceRecordSets", listing: "\(wanted) \(type)",
                    "a truncated page without NextRecordName and NextRecordType")
            }
            guard DNSName.normalized(nextName) == wanted, nextType == type else { return records }
            // Within one name and type only set identifiers tell record sets apart: the next one
            // must be new, or the listing goes round in circles.
            let nextIdentifier = root.childText("NextRecordIdentifier")
            guard !page.isEmpty, let nextIdentifier, !seen.contains(nextIdentifier) else {
                throw Self.brokenPaging(
                    "ListResourceRecordSets", listing: "\(wanted) \(type)",
                    "a next page that does not move on (NextRecordIdentifier \(nextIdentifier.map { "'\($0)' again" } ?? "missing"))")
            }
            seen.insert(nextIdentifier)
            start = (nextName, nextType, nextIdentifier)
        }
        throw Self.brokenPaging(
            "ListResourceRecordSets", listing: "\(wanted) \(type)",
            "more than \(Self.maximumRecordSetPages * Self.recordSetPageSize) record sets (\(Self.maximumRecordSetPages) pages)")
    }

    private static func brokenPaging(_ operation: String, listing: String, _ what: String) -> DomainError {
        DomainError(
            .unexpectedResponse,
            "Route 53 answered \(operation) for \(listing) with \(what); Route 53 never does, so r53hook stopped reading. Check AWS_ENDPOINT_URL_ROUTE_53 / AWS_ENDPOINT_URL: is that endpoint really Route 53?"
        )
    }

    /// One ListResourceRecordSets page of up to `maxItems` record sets, in Route 53's order
    /// (names with their labels reversed, then types), from the first at or after `name` and
    /// `type`: whatever names and types follow, so a caller can see several of them in one read.
    package func recordSetPage(zoneId: String, name: String, type: String, maxItems: Int) async throws -> RecordSetPage {
        let query = [
            SigV4QueryItem(name: "name", value: DNSName.normalized(name)), SigV4QueryItem(name: "type", value: type),
            SigV4QueryItem(name: "maxitems", value: String(min(maxItems, Self.largestRecordSetPage))),
        ]
        let root = try await listRecordSets(zoneId: zoneId, query: query)
        let records = try (root.child("ResourceRecordSets")?.children(named: "ResourceRecordSet") ?? [])
            .map { element throws(DomainError) in try Route53XML.recordSet(from: element) }
        return RecordSetPage(records: records, isTruncated: root.childText("IsTruncated") == "true")
    }

    /// The one record set with this name, type and set identifier, or nil.
    package func recordSet(zoneId: String, name: String, type: String, setIdentifier: String) async throws -> ResourceRecordSet? {
        let wanted = DNSName.normalized(name)
        let query = [
            SigV4QueryItem(name: "name", value: wanted), SigV4QueryItem(name: "type", value: type),
            SigV4QueryItem(name: "identifier", value: setIdentifier), SigV4QueryItem(name: "maxitems", value: "1"),
        ]
        let root = try await listRecordSets(zoneId: zoneId, query: query)
        let first = try root.child("ResourceRecordSets")?.children(named: "ResourceRecordSet").first
            .map { element throws(DomainError) in try Route53XML.recordSet(from: element) }
        guard let first, first.name == wanted, first.type == type, first.setIdentifier == setIdentifier else { return nil }
        return first
    }

    /// ChangeResourceRecordSets: applies all the changes or none.
    package func change(zoneId: String, _ changes: [RecordChange], comment: String?) async throws -> ChangeInfo {
        let body = try Route53XML.changeBatch(changes, comment: comment)
        let root = try await send(
            AWSOperation(
                name: "ChangeResourceRecordSets", method: "POST",
                path: "\(Self.version)/hostedzone/\(zoneId)/rrset",
                body: Array(body.utf8), contentType: "application/xml",
                resourceARN: "arn:aws:route53:::hostedzone/\(zoneId)"))
        return try Route53XML.changeInfo(from: root)
    }

    /// GetChange.
    package func change(id: String) async throws -> ChangeInfo {
        let root = try await send(
            AWSOperation(
                name: "GetChange", method: "GET", path: "\(Self.version)/change/\(id)",
                resourceARN: "arn:aws:route53:::change/\(id)"))
        return try Route53XML.changeInfo(from: root)
    }

    /// Whether Route 53 considers a health check healthy: more than 18% of its checkers report
    /// success (GetHealthCheckStatus).
    package func healthCheckIsHealthy(id: String) async throws -> Bool {
        let root = try await send(
            AWSOperation(
                name: "GetHealthCheckStatus", method: "GET",
                path: "\(Self.version)/healthcheck/\(id)/status",
                resourceARN: "arn:aws:route53:::healthcheck/\(id)"))
        let statuses =
            root.child("HealthCheckObservations")?.children(named: "HealthCheckObservation")
            .compactMap { $0.element(at: "StatusReport", "Status")?.trimmedText } ?? []
        guard !statuses.isEmpty else { return false }
        let succeeding = statuses.filter { $0.hasPrefix("Success") }.count
        return Double(succeeding) / Double(statuses.count) > 0.18
    }

    private func listRecordSets(zoneId: String, query: [SigV4QueryItem]) async throws -> XMLElement {
        try await send(
            AWSOperation(
                name: "ListResourceRecordSets", method: "GET",
                path: "\(Self.version)/hostedzone/\(zoneId)/rrset", query: query,
                resourceARN: "arn:aws:route53:::hostedzone/\(zoneId)"))
    }

    private func send(_ operation: AWSOperation) async throws -> XMLElement {
        try await aws.send(operation, to: service)
    }
}
