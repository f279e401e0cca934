import AWSKit
import Synchronization
import XMLLite

/// A small in-memory Route 53 speaking the XML API over the `HTTPClient` seam, strict about
/// exact DELETEs and all-or-nothing batches, so the domain's flows can be tested end to end in
/// virtual time. Changes are PENDING for `pollsUntilInSync` GetChange calls, then INSYNC.
package final class FakeRoute53: HTTPClient, Sendable {
    package struct Record: Sendable, Equatable {
        package var name: String
        package var type: String
        package var setIdentifier: String?
        package var weight: Int?
        package var ttl: Int?
        package var values: [String]
        package var healthCheckId: String?
        package var extraXML: String

        package init(
            name: String, type: String, setIdentifier: String? = nil, weight: Int? = nil, ttl: Int? = 60,
            values: [String], healthCheckId: String? = nil, extraXML: String = ""
        ) {
            self.name = name
            self.type = type
            self.setIdentifier = setIdentifier
            self.weight = weight
            self.ttl = ttl
            self.values = values
            self.healthCheckId = healthCheckId
            self.extraXML = extraXML
        }
    }

    package struct Zone: Sendable {
        package var id: String
        package var name: String
        package var isPrivate: Bool

        package init(id: String, name: String, isPrivate: Bool = false) {
            self.id = id
            self.name = name
            self.isPrivate = isPrivate
        }
    }

    private struct State {
        var zones: [Zone] = []
        var records: [String: [Record]] = [:]
        var changes: [String: Int] = [:]
        var operations: [String] = []
        var nextChange = 1
        /// Answers to give before the real one, per operation name.
        var injected: [String: [HTTPResponse]] = [:]
        /// Health checks Route 53 reports failing.
        var failingHealthChecks: Set<String> = []
        /// Changes to apply whose answers are then lost (the connection drops).
        var lostAnswers = 0
    }

    private let state = Mutex(State())
    package let pollsUntilInSync: Int

    package init(zones: [Zone], pollsUntilInSync: Int = 2) {
        self.pollsUntilInSync = pollsUntilInSync
        state.withLock { $0.zones = zones }
    }

    /// The records of a zone.
    package func records(in zoneId: String) -> [Record] { state.withLock { $0.records[zoneId] ?? [] } }

    /// Puts a record in a zone directly.
    package func insert(_ record: Record, in zoneId: String) {
        state.withLock { $0.records[zoneId, default: []].append(record) }
    }

    /// Removes records from a zone directly, as an operator's hand would.
    package func remove(in zoneId: String, where matches: @Sendable (Record) -> Bool) {
        state.withLock { $0.records[zoneId]?.removeAll(where: matches) }
    }

    /// The operations called, in order (`ChangeResourceRecordSets`, `GetChange`, ...).
    package var operations: [String] { state.withLock { $0.operations } }

    /// Makes Route 53 report a health check failing (or passing again).
    package func setHealthCheck(_ id: String, failing: Bool) {
        state.withLock { state in
            if failing { state.failingHealthChecks.insert(id) } else { state.failingHealthChecks.remove(id) }
        }
    }

    /// Makes the next `count` change batches apply and then lose their answer, as a connection
    /// that drops after Route 53 applied the change.
    package func loseAnswers(_ count: Int) {
        state.withLock { $0.lostAnswers += count }
    }

    /// Makes the next calls of an operation answer these responses first.
    package func inject(_ operation: String, _ responses: [HTTPResponse]) {
        state.withLock { $0.injected[operation, default: []] += responses }
    }

    package func send(_ request: HTTPRequest, timeouts: HTTPTimeouts) async throws -> HTTPResponse {
        let (path, query) = Self.split(request.url)
        let parts = path.split(separator: "/").map(String.init)
        let operation: String
        switch (request.method, parts.count) {
        case ("GET", 2) where parts[1] == "hostedzonesbyname": operation = "ListHostedZonesByName"
        case ("GET", 3) where parts[1] == "hostedzone": operation = "GetHostedZone"
        case ("GET", 3) where parts[1] == "change": operation = "GetChange"
        case ("GET", 4) where parts[1] == "healthcheck": operation = "GetHealthCheckStatus"
        case ("GET", 4): operation = "ListResourceRecordSets"
        case ("POST", 4): operation = "ChangeResourceRecordSets"
        default: return Self.error(400, "InvalidInput", "unknown call \(request.method) \(path)")
        }
        let (response, lost) = state.withLock { state -> (HTTPResponse, Bool) in
            let response = self.answer(operation, parts: parts, query: query, body: request.body, state: &state)
            guard operation == "ChangeResourceRecordSets", response.status == 200, state.lostAnswers > 0 else { return (response, false) }
            state.lostAnswers -= 1
            return (response, true)
        }
        if lost { throw HTTPTransportError(.connectionLost, "Empty reply from server") }
        return response
    }

    private func answer(
        _ operation: String, parts: [String], query: [String: String], body: [UInt8], state: inout State
    ) -> HTTPResponse {
        state.operations.append(operation)
        if var queue = state.injected[operation], !queue.isEmpty {
            let response = queue.removeFirst()
            state.injected[operation] = queue
            return response
        }
        switch operation {
        case "ListHostedZonesByName":
            let name = query["dnsname"] ?? ""
            let zones = state.zones.filter { $0.name == name }.map(Self.zoneXML).joined()
            return Self.ok("<ListHostedZonesByNameResponse><HostedZones>\(zones)</HostedZones><IsTruncated>false</IsTruncated></ListHostedZonesByNameResponse>")
        case "GetHostedZone":
            guard let zone = state.zones.first(where: { $0.id == parts[2] }) else {
                return Self.error(404, "NoSuchHostedZone", "No hosted zone found with ID: \(parts[2])")
            }
            return Self.ok("<GetHostedZoneResponse>\(Self.zoneXML(zone))</GetHostedZoneResponse>")
        case "GetHealthCheckStatus":
            let failing = state.failingHealthChecks.contains(parts[2])
            let observation = { (status: String) in
                "<HealthCheckObservation><Region>us-east-1</Region><StatusReport><Status>\(status)</Status></StatusReport></HealthCheckObservation>"
            }
            let statuses = (0..<8).map { index in
                failing || index >= 2 ? "Failure: Connection timed out." : "Success: HTTP Status Code 200, OK"
            }
            return Self.ok("<GetHealthCheckStatusResponse><HealthCheckObservations>\(statuses.map(observation).joined())</HealthCheckObservations></GetHealthCheckStatusResponse>")
        case "GetChange":
            guard let polls = state.changes[parts[2]] else { return Self.error(404, "NoSuchChange", "no change") }
            state.changes[parts[2]] = polls + 1
            return Self.ok(Self.changeXML(parts[2], insync: polls + 1 >= pollsUntilInSync, root: "GetChangeResponse"))
        case "ListResourceRecordSets":
            // Route 53's documented order: names with their labels reversed, then types.
            let all = (state.records[parts[2]] ?? []).sorted {
                (Self.listingKey($0.name), $0.type, $0.setIdentifier ?? "") < (Self.listingKey($1.name), $1.type, $1.setIdentifier ?? "")
            }
            let from = (Self.listingKey(query["name"] ?? ""), query["type"] ?? "", query["identifier"] ?? "")
            let start = all.firstIndex { (Self.listingKey($0.name), $0.type, $0.setIdentifier ?? "") >= from } ?? all.count
            let limit = Int(query["maxitems"] ?? "300") ?? 300
            let page = all[start...].prefix(limit)
            let truncated = start + page.count < all.count
            var next = ""
            if truncated {
                let record = all[start + page.count]
                next =
                    "<NextRecordName>\(record.name)</NextRecordName><NextRecordType>\(record.type)</NextRecordType>"
                    + (record.setIdentifier.map { "<NextRecordIdentifier>\($0)</NextRecordIdentifier>" } ?? "")
            }
            return Self.ok(
                "<ListResourceRecordSetsResponse><ResourceRecordSets>\(page.map(Self.recordXML).joined())</ResourceRecordSets><IsTruncated>\(truncated)</IsTruncated>\(next)<MaxItems>\(limit)</MaxItems></ListResourceRecordSetsResponse>"
            )
        default:
            return Self.apply(body, zoneId: parts[2], state: &state)
        }
    }

    /// A name as ListResourceRecordSets sorts it: `www.example.com.` as `com.example.www.`.
    static func listingKey(_ name: String) -> String {
        name.isEmpty ? "" : name.split(separator: ".").reversed().joined(separator: ".") + "."
    }

    private static func apply(_ body: [UInt8], zoneId: String, state: inout State) -> HTTPResponse {
        guard let root = try? XMLDocumentParser.parse(body),
            let changes = root.element(at: "ChangeBatch", "Changes")?.children(named: "Change")
        else {
            return error(400, "InvalidInput", "malformed batch")
        }
        // As Route 53: a change to no zone, or of a name outside the zone, is refused whole.
        guard let zone = state.zones.first(where: { $0.id == zoneId }) else {
            return error(404, "NoSuchHostedZone", "No hosted zone found with ID: \(zoneId)")
        }
        var records = state.records[zoneId] ?? []
        var messages: [String] = []
        for change in changes {
            guard let set = change.child("ResourceRecordSet"), let action = change.childText("Action") else { continue }
            let record = Record(
                name: set.childText("Name") ?? "", type: set.childText("Type") ?? "",
                setIdentifier: set.childText("SetIdentifier"), weight: set.childText("Weight").flatMap { Int($0) },
                ttl: set.childText("TTL").flatMap { Int($0) },
                values: set.child("ResourceRecords")?.children(named: "ResourceRecord").compactMap { $0.childText("Value") } ?? [],
                healthCheckId: set.childText("HealthCheckId"),
                extraXML: set.childText("MultiValueAnswer").map { "<MultiValueAnswer>\($0)</MultiValueAnswer>" } ?? "")
            guard record.name == zone.name || record.name.hasSuffix("." + zone.name) else {
                messages.append("RRSet with DNS name \(record.name) is not permitted in zone \(zone.name)")
                continue
            }
            let index = records.firstIndex { $0.name == record.name && $0.type == record.type && $0.setIdentifier == record.setIdentifier }
            let label = "[name='\(record.name)', type='\(record.type)', set-identifier='\(record.setIdentifier ?? "")']"
            switch (action, index) {
            case ("CREATE", nil), ("UPSERT", nil): records.append(record)
            case ("UPSERT", let found?): records[found] = record
            case ("CREATE", _?): messages.append("Tried to create resource record set \(label) but it already exists")
            case ("DELETE", nil): messages.append("Tried to delete resource record set \(label) but it was not found")
            case ("DELETE", let found?):
                if records[found] == record {
                    records.remove(at: found)
                } else {
                    messages.append("Tried to delete resource record set \(label) but the values provided do not match the current values")
                }
            default: messages.append("bad action \(action)")
            }
        }
        guard messages.isEmpty else {
            let body = "<InvalidChangeBatch><Messages>\(messages.map { "<Message>\($0)</Message>" }.joined())</Messages><RequestId>r</RequestId></InvalidChangeBatch>"
            return HTTPResponse(status: 400, body: Array(body.utf8))
        }
        state.records[zoneId] = records
        let id = "C\(state.nextChange)"
        state.nextChange += 1
        state.changes[id] = 0
        return ok(changeXML(id, insync: false, root: "ChangeResourceRecordSetsResponse"))
    }

    private static func split(_ url: String) -> (String, [String: String]) {
        let afterScheme = url.firstRange(of: "://").map { url[$0.upperBound...] } ?? url[...]
        let pathStart = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let pathAndQuery = afterScheme[pathStart...]
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                query[String(kv[0])] = kv.count == 2 ? percentDecode(String(kv[1])) : ""
            }
        }
        return (parts.first.map(String.init) ?? "/", query)
    }

    private static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func zoneXML(_ zone: Zone) -> String {
        "<HostedZone><Id>/hostedzone/\(zone.id)</Id><Name>\(zone.name)</Name><Config><PrivateZone>\(zone.isPrivate)</PrivateZone></Config></HostedZone>"
    }

    private static func recordXML(_ record: Record) -> String {
        var xml = "<ResourceRecordSet><Name>\(record.name)</Name><Type>\(record.type)</Type>"
        if let setIdentifier = record.setIdentifier { xml += "<SetIdentifier>\(setIdentifier)</SetIdentifier>" }
        if let weight = record.weight { xml += "<Weight>\(weight)</Weight>" }
        xml += record.extraXML
        if let ttl = record.ttl { xml += "<TTL>\(ttl)</TTL>" }
        xml += "<ResourceRecords>" + record.values.map { "<ResourceRecord><Value>\($0)</Value></ResourceRecord>" }.joined() + "</ResourceRecords>"
        if let healthCheckId = record.healthCheckId { xml += "<HealthCheckId>\(healthCheckId)</HealthCheckId>" }
        return xml + "</ResourceRecordSet>"
    }

    private static func changeXML(_ id: String, insync: Bool, root: String) -> String {
        "<\(root)><ChangeInfo><Id>/change/\(id)</Id><Status>\(insync ? "INSYNC" : "PENDING")</Status><SubmittedAt>2026-11-22T00:00:00Z</SubmittedAt></ChangeInfo></\(root)>"
    }

    private static func ok(_ xml: String) -> HTTPResponse {
        HTTPResponse(status: 200, body: Array(xml.utf8))
    }

    package static func error(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        let xml = "<ErrorResponse><Error><Type>Sender</Type><Code>\(code)</Code><Message>\(message)</Message></Error><RequestId>r</RequestId></ErrorResponse>"
        return HTTPResponse(status: status, body: Array(xml.utf8))
    }
}
