import AWSKit

/// One scheduled event of IMDS `events/maintenance/scheduled` (a reboot, a retirement, a stop).
package struct MaintenanceEvent: Sendable, Equatable {
    /// `instance-reboot`, `system-reboot`, `system-maintenance`, `instance-retirement`, `instance-stop`.
    package let code: String
    /// The event's id, which names it across polls.
    package let eventId: String
    /// When the event may begin.
    package let notBefore: UnixTime
    /// `active`, `canceled` or `completed`.
    package let state: String

    /// Creates an event.
    package init(code: String, eventId: String, notBefore: UnixTime, state: String) {
        self.code = code
        self.eventId = eventId
        self.notBefore = notBefore
        self.state = state
    }

    /// Whether the event still lies ahead (not canceled, not completed).
    package var isActive: Bool { state == "active" }

    /// Parses the JSON list; events without a readable `NotBefore` are left out, since
    /// without it nothing can be planned around them. Nil when the document is not a list.
    package static func list(json text: String) -> [MaintenanceEvent]? {
        guard let document = try? JSONParser.parse(text), case .array(let items) = document else { return nil }
        return items.compactMap { item in
            guard let notBeforeText = item["NotBefore"]?.stringValue, let notBefore = eventTime(notBeforeText) else { return nil }
            return MaintenanceEvent(
                code: item["Code"]?.stringValue ?? "", eventId: item["EventId"]?.stringValue ?? "", notBefore: notBefore,
                state: item["State"]?.stringValue ?? "active")
        }
    }

    /// Parses IMDS's event date, `21 Jan 2019 09:00:43 GMT` (always GMT), by rewriting it as
    /// ISO 8601; an ISO 8601 form is accepted too.
    package static func eventTime(_ text: String) -> UnixTime? {
        if let iso = UnixTime(iso8601: text) { return iso }
        let parts = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 5, parts[4] == "GMT", let day = Int(parts[0]), (1...31).contains(day),
            let month = months.firstIndex(of: String(parts[1])), parts[2].count == 4, Int(parts[2]) != nil, parts[3].count == 8
        else { return nil }
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return UnixTime(iso8601: "\(parts[2])-\(twoDigits(month + 1))-\(twoDigits(day))T\(parts[3])Z")
    }
}
