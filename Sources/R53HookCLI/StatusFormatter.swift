import AWSKit
import R53HookKit

/// Renders a status report as a table or as JSON.
enum StatusFormatter {
    static func text(_ report: RecordSetStatus.Report) -> String {
        var lines = [
            "zone:        \(report.zone.name) \(report.zone.id) (\(report.zone.visibility))",
            "record:      \(report.name) \(report.type)",
            "instance:    \(report.instanceId ?? "unknown (IMDS not available)")",
            "set id:      \(report.setIdentifier ?? "unknown")",
            "this record: \(report.ownRecord.map(\.summary) ?? "none (not registered)")",
        ]
        if let caching = report.negativeCaching {
            lines.append("empty name:  resolvers cache it for \(caching.summary)")
            let own = report.records.filter { $0.setIdentifier != nil && $0.setIdentifier == report.setIdentifier }
            if !own.isEmpty, own.count == report.records.count {
                lines.append("             this instance holds the last record: stopping it empties the name for that long")
            }
        }
        lines.append("")
        let dualStack = report.type.contains(",")
        var header = [" ", "SET IDENTIFIER", "WEIGHT", "TTL", "VALUE", "HEALTH CHECK"]
        if dualStack { header.insert("TYPE", at: 2) }
        var rows = [header]
        for record in report.records {
            var row = [
                record.setIdentifier != nil && record.setIdentifier == report.setIdentifier ? "*" : " ",
                record.setIdentifier ?? "(simple)",
                record.weight.map(String.init) ?? (record.multiValueAnswer == true ? "multivalue" : "-"),
                record.ttl.map(String.init) ?? "-",
                record.values.joined(separator: ","),
                record.healthCheckId ?? "-",
            ]
            if dualStack { row.insert(record.type, at: 2) }
            rows.append(row)
        }
        lines += TextTable.render(rows)
        lines.append("(* = this instance) \(report.records.count) record\(report.records.count == 1 ? "" : "s") in the set")
        return lines.joined(separator: "\n")
    }

    static func text(loadBalancer: String, instanceId: String?, members: [FleetMember]) -> String {
        let own = members.first { $0.id == instanceId }
        var lines = [
            "load balancer: \(loadBalancer)",
            "this instance: \(own.map { "\($0.health.rawValue) (\($0.detail))" } ?? "not registered")", "",
        ]
        let width = max(8, members.map(\.id.count).max() ?? 0)
        lines.append("   " + "INSTANCE".padding(width) + "  STATE      DETAIL")
        for member in members {
            lines.append(
                (member.id == instanceId ? "*  " : "   ") + member.id.padding(width) + "  "
                    + member.health.rawValue.padding(9) + "  " + member.detail)
        }
        lines.append("\(members.filter(\.isHealthy).count) of \(members.count) healthy")
        return lines.joined(separator: "\n")
    }

    static func jsonNode(loadBalancer: String, instanceId: String?, members: [FleetMember]) -> JSONWriter.Node {
        .object([
            ("name", .string(loadBalancer)), ("instanceId", .optional(instanceId)),
            ("registered", .bool(members.contains { $0.id == instanceId })),
            (
                "members",
                .array(
                    members.map {
                        .object([
                            ("id", .string($0.id)), ("state", .string($0.health.rawValue)),
                            ("healthy", .bool($0.isHealthy)), ("detail", .string($0.detail)),
                        ])
                    })
            ),
        ])
    }

    static func json(_ report: RecordSetStatus.Report) -> String {
        JSONWriter.write(jsonNode(report))
    }

    static func jsonNode(_ report: RecordSetStatus.Report) -> JSONWriter.Node {
        func record(_ set: ResourceRecordSet) -> JSONWriter.Node {
            var fields: [(String, JSONWriter.Node)] = [
                ("name", .string(set.name)), ("type", .string(set.type)),
                ("setIdentifier", .optional(set.setIdentifier)), ("weight", .optional(set.weight)),
                ("ttl", .optional(set.ttl)), ("values", .array(set.values.map(JSONWriter.Node.string))),
                ("healthCheckId", .optional(set.healthCheckId)),
            ]
            // Only on multivalue records, so weighted sets read as they always have.
            if set.multiValueAnswer == true { fields.append(("multiValueAnswer", .bool(true))) }
            return .object(fields)
        }
        return .object([
            (
                "zone",
                .object([
                    ("id", .string(report.zone.id)), ("name", .string(report.zone.name)),
                    ("private", .bool(report.zone.isPrivate)),
                ])
            ),
            ("name", .string(report.name)), ("type", .string(report.type)),
            ("instanceId", .optional(report.instanceId)), ("setIdentifier", .optional(report.setIdentifier)),
            ("registered", .bool(report.ownRecord != nil)),
            ("record", report.ownRecord.map(record) ?? .null),
            ("records", .array(report.records.map(record))),
            ("negativeCachingSeconds", .optional(report.negativeCaching?.seconds)),
        ])
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
