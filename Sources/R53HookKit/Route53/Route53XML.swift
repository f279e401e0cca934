import AWSKit
import XMLLite

/// The Route 53 XML (API version 2013-04-01): change batches out, answers in.
package enum Route53XML {
    /// The API namespace.
    package static let namespace = "https://route53.amazonaws.com/doc/2013-04-01/"

    /// The `ChangeResourceRecordSetsRequest` body for a batch. Throws, sending nothing, when a
    /// value holds a character XML cannot carry: dropping it would change a different record.
    package static func changeBatch(_ changes: [RecordChange], comment: String?) throws(DomainError) -> String {
        var writer = XMLWriter()
        writer.element("ChangeResourceRecordSetsRequest", attributes: [(name: "xmlns", value: namespace)]) { request in
            request.element("ChangeBatch") { batch in
                if let comment { batch.element("Comment", String(comment.prefix(256))) }
                batch.element("Changes") { list in
                    for change in changes {
                        list.element("Change") { element in
                            element.element("Action", change.action.rawValue)
                            write(change.recordSet, into: &element)
                        }
                    }
                }
            }
        }
        do {
            return try writer.finish()
        } catch {
            throw DomainError(
                .changeRefused,
                "cannot send the change to Route 53: \(error). Such a value cannot be written, read or deleted through the API; remove the record in the console if it is not yours")
        }
    }

    /// Writes a record set in the order the API's schema requires.
    static func write(_ record: ResourceRecordSet, into writer: inout XMLWriter) {
        writer.element("ResourceRecordSet") { set in
            set.element("Name", record.name)
            set.element("Type", record.type)
            if let setIdentifier = record.setIdentifier { set.element("SetIdentifier", setIdentifier) }
            if let weight = record.weight { set.element("Weight", String(weight)) }
            if let multiValueAnswer = record.multiValueAnswer { set.element("MultiValueAnswer", multiValueAnswer ? "true" : "false") }
            if let ttl = record.ttl { set.element("TTL", String(ttl)) }
            set.element("ResourceRecords") { list in
                for value in record.values {
                    list.element("ResourceRecord") { $0.element("Value", value) }
                }
            }
            if let healthCheckId = record.healthCheckId { set.element("HealthCheckId", healthCheckId) }
        }
    }

    /// Reads a `ResourceRecordSet` element.
    package static func recordSet(from element: XMLElement) throws(DomainError) -> ResourceRecordSet {
        guard let name = element.childText("Name"), let type = element.childText("Type") else {
            throw DomainError(.unexpectedResponse, "Route 53 listed a record set without Name or Type")
        }
        let modelled: Set<String> = ["Name", "Type", "SetIdentifier", "Weight", "MultiValueAnswer", "TTL", "ResourceRecords", "HealthCheckId"]
        return ResourceRecordSet(
            name: name, type: type,
            setIdentifier: element.childText("SetIdentifier"),
            weight: element.childText("Weight").flatMap { Int($0) },
            ttl: element.childText("TTL").flatMap { Int($0) },
            values: element.child("ResourceRecords")?.children(named: "ResourceRecord").compactMap { $0.childText("Value") } ?? [],
            healthCheckId: element.childText("HealthCheckId"),
            otherFeatures: element.children.map(\.name).filter { !modelled.contains($0) },
            multiValueAnswer: element.childText("MultiValueAnswer").map { $0.trimmingWhitespace.lowercased() == "true" })
    }

    /// Reads the `ChangeInfo` of a ChangeResourceRecordSets or GetChange answer.
    package static func changeInfo(from root: XMLElement) throws(DomainError) -> ChangeInfo {
        guard let info = root.child("ChangeInfo"), let rawId = info.childText("Id"),
            let statusText = info.childText("Status")
        else {
            throw DomainError(.unexpectedResponse, "Route 53 answered without a ChangeInfo (\(root.name))")
        }
        guard let status = ChangeInfo.Status(rawValue: statusText) else {
            throw DomainError(.unexpectedResponse, "Route 53 reported an unknown change status '\(statusText)'")
        }
        return ChangeInfo(id: stripPrefix(rawId, "/change/"), status: status, submittedAt: info.childText("SubmittedAt"))
    }

    /// Reads a `HostedZone` element.
    package static func hostedZone(from element: XMLElement) throws(DomainError) -> HostedZone {
        guard let id = element.childText("Id"), let name = element.childText("Name") else {
            throw DomainError(.unexpectedResponse, "Route 53 described a hosted zone without Id or Name")
        }
        let isPrivate = element.element(at: "Config", "PrivateZone")?.trimmedText.lowercased() == "true"
        return HostedZone(id: stripPrefix(id, "/hostedzone/"), name: name, isPrivate: isPrivate)
    }

    /// The text without a prefix such as `/hostedzone/`.
    package static func stripPrefix(_ text: String, _ prefix: String) -> String {
        text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
    }
}
