import AWSKit
import R53HookKit

/// Renders the registry for `members`, as a table or as JSON.
enum MembersFormatter {
    static func text(_ snapshot: RegistrySnapshot, registry: MemberRegistry, me: Set<String>, now: Int, expiry: Int) -> String {
        var lines = ["registry: \(registry.registryName) TXT in \(registry.zone.name) \(registry.zone.id), for \(registry.recordName) \(registry.recordType)", ""]
        // The NAME column only when some member has a per-instance name.
        let named = snapshot.members.contains { $0.mark.instanceName != nil }
        var rows = [[" ", "SET IDENTIFIER", "INSTANCE", "ADDRESS", "AZ", "ROLE", "HEARTBEAT", "LIVE", "RECORD"] + (named ? ["NAME"] : [])]
        for member in snapshot.members {
            let mark = member.mark
            let name = named ? [mark.instanceName.map { member.instanceRecord == nil ? "\($0) (missing)" : $0 } ?? "-"] : []
            rows.append(
                [
                    me.contains(member.setIdentifier) ? "*" : " ",
                    member.setIdentifier, mark.instanceId, mark.address, mark.availabilityZone,
                    mark.role.map { role in mark.group.map { "\(role.rawValue)@\($0)" } ?? role.rawValue } ?? "-",
                    member.heartbeatAge(now: now).map { "\($0) s ago" } ?? "none",
                    member.isLive(now: now, expiry: expiry) ? "yes" : "no",
                    recordState(member),
                ] + name)
        }
        lines += TextTable.render(rows)
        let live = snapshot.members.filter { $0.isLive(now: now, expiry: expiry) }.count
        lines.append(
            "(* = this instance) \(snapshot.members.count) member\(snapshot.members.count == 1 ? "" : "s"), \(live) live (heartbeat expiry \(expiry) s; members without heartbeats count as live)")
        if !snapshot.unmarked.isEmpty {
            let names = snapshot.unmarked.map { $0.setIdentifier ?? "(simple)" }.joined(separator: ", ")
            lines.append("without r53hook's mark (never touched): " + PrintableText.escaping(names))
        }
        if !snapshot.foreign.isEmpty {
            lines.append("foreign marks (they fail validation: never counted, judged or deleted; check who wrote them):")
            for foreign in snapshot.foreign {
                // Values from the zone, written by anyone: escaped onto their own line.
                lines.append("  " + PrintableText.escaping("\(foreign.setIdentifier): \(foreign.reason)"))
                lines.append("    " + PrintableText.escaping(foreign.record.values.joined(separator: " ")))
            }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ snapshot: RegistrySnapshot, registry: MemberRegistry, me: Set<String>, now: Int, expiry: Int) -> String {
        JSONWriter.write(jsonNode(snapshot, registry: registry, me: me, now: now, expiry: expiry))
    }

    /// The listing as a JSON value (one per type when dual-stack).
    static func jsonNode(_ snapshot: RegistrySnapshot, registry: MemberRegistry, me: Set<String>, now: Int, expiry: Int) -> JSONWriter.Node {
        let members: [JSONWriter.Node] = snapshot.members.map { member in
            let mark = member.mark
            var fields: [(String, JSONWriter.Node)] = [
                ("setIdentifier", .string(member.setIdentifier)), ("self", .bool(me.contains(member.setIdentifier))),
                ("instanceId", .string(mark.instanceId)), ("address", .string(mark.address)),
                ("availabilityZone", .string(mark.availabilityZone)), ("role", .optional(mark.role?.rawValue)),
                ("group", .optional(mark.group)), ("joinedAt", .int(mark.joinedAt)), ("heartbeatAt", .optional(mark.heartbeatAt)),
                ("heartbeatAge", .optional(member.heartbeatAge(now: now))), ("heartbeats", .bool(mark.heartbeatAt != nil)),
                ("live", .bool(member.isLive(now: now, expiry: expiry))), ("record", .string(recordState(member))),
            ]
            if let name = mark.instanceName {
                fields += [("instanceName", .string(name)), ("instanceRecord", .bool(member.instanceRecord != nil))]
            }
            return .object(fields)
        }
        return .object([
            ("zone", .object([("id", .string(registry.zone.id)), ("name", .string(registry.zone.name))])),
            ("name", .string(registry.recordName)), ("type", .string(registry.recordType)),
            ("registry", .string(registry.registryName)), ("expiry", .int(expiry)), ("now", .int(now)),
            ("members", .array(members)),
            ("unmarked", .array(snapshot.unmarked.map { .optional($0.setIdentifier) })),
            (
                "foreign",
                .array(
                    snapshot.foreign.map { foreign in
                        .object([
                            ("setIdentifier", .string(foreign.setIdentifier)), ("reason", .string(foreign.reason)),
                            ("value", .string(foreign.record.values.joined(separator: " "))),
                        ])
                    })
            ),
        ])
    }

    /// `ok` when the address record is the one the mark describes, `missing`, or `differs`.
    private static func recordState(_ member: RegistryMember) -> String {
        member.addressRecord == nil ? "missing" : member.addressRecordIsMarked ? "ok" : "differs"
    }
}
