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
            "",
        ]
        let header = [" ", "SET IDENTIFIER", "WEIGHT", "TTL", "VALUE", "HEALTH CHECK"]
        var rows = [header]
        for record in report.records {
            rows.append([
                record.setIdentifier != nil && record.setIdentifier == report.setIdentifier ? "*" : " ",
                record.setIdentifier ?? "(simple)",
                record.weight.map(String.init) ?? "-",
                record.ttl.map(String.init) ?? "-",
                record.values.joined(separator: ","),
                record.healthCheckId ?? "-",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(row.indices.map { column in
                column == row.count - 1 ? row[column] : row[column] + String(repeating: " ", count: widths[column] - row[column].count)
            }.joined(separator: "  "))
        }
        lines.append("(* = this instance) \(report.records.count) record\(report.records.count == 1 ? "" : "s") in the set")
        return lines.joined(separator: "\n")
    }

    static func json(_ report: RecordSetStatus.Report) -> String {
        func record(_ set: ResourceRecordSet) -> JSONWriter.Node {
            .object([
                ("name", .string(set.name)), ("type", .string(set.type)),
                ("setIdentifier", .optional(set.setIdentifier)), ("weight", .optional(set.weight)),
                ("ttl", .optional(set.ttl)), ("values", .array(set.values.map(JSONWriter.Node.string))),
                ("healthCheckId", .optional(set.healthCheckId)),
            ])
        }
        return JSONWriter.write(.object([
            ("zone", .object([("id", .string(report.zone.id)), ("name", .string(report.zone.name)),
                              ("private", .bool(report.zone.isPrivate))])),
            ("name", .string(report.name)), ("type", .string(report.type)),
            ("instanceId", .optional(report.instanceId)), ("setIdentifier", .optional(report.setIdentifier)),
            ("registered", .bool(report.ownRecord != nil)),
            ("record", report.ownRecord.map(record) ?? .null),
            ("records", .array(report.records.map(record))),
        ]))
    }
}
