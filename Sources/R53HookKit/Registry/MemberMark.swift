import AWSKit

/// The mark that says a weighted record pair belongs to r53hook: the value of the companion TXT
/// record `start` writes beside the address record, in the same change batch.
/// Written as one TXT string of at most 255 characters:
/// `"r53hook-member v=1 instance=i-0abc address=10.0.0.5 az=us-east-1a joined=1795000000 heartbeat=1795000030 role=server group=consul"`.
/// `heartbeat` appears once `r53hook heartbeat` has run (the member then promises to beat);
/// `role` and `group` once `r53hook role` has chosen; `name` when start wrote a per-instance name
/// (`--instance-name`), which the mark then owns.
package struct MemberMark: Sendable, Equatable {
    /// The tag that starts every mark.
    package static let tag = "r53hook-member"

    /// The instance id (`-` when r53hook ran off EC2 with an explicit set identifier).
    package var instanceId: String
    /// The address the pair's record points at.
    package var address: String
    /// The availability zone (`-` when unknown).
    package var availabilityZone: String
    /// When the pair was written by `start` (Unix seconds, the writer's clock).
    package var joinedAt: Int
    /// The last heartbeat (Unix seconds); nil while the member does not send heartbeats.
    package var heartbeatAt: Int?
    /// The role chosen by `r53hook role`.
    package var role: MemberRole?
    /// The group the role is in.
    package var group: String?
    /// The per-instance name written beside the member record (`name=`), owned by this mark.
    package var instanceName: String?

    /// Creates a mark.
    package init(
        instanceId: String, address: String, availabilityZone: String, joinedAt: Int, heartbeatAt: Int? = nil,
        role: MemberRole? = nil, group: String? = nil, instanceName: String? = nil
    ) {
        self.instanceId = instanceId
        self.address = address
        self.availabilityZone = availabilityZone
        self.joinedAt = joinedAt
        self.heartbeatAt = heartbeatAt
        self.role = role
        self.group = group
        self.instanceName = instanceName
    }

    /// The TXT record value, quoted as Route 53 wants it.
    package var txtValue: String {
        var fields = [
            (key: "v", value: "1"), ("instance", instanceId), ("address", address), ("az", availabilityZone),
            ("joined", String(joinedAt)),
        ]
        if let heartbeatAt { fields.append(("heartbeat", String(heartbeatAt))) }
        if let role { fields.append(("role", role.rawValue)) }
        if let group { fields.append(("group", group)) }
        if let instanceName { fields.append(("name", instanceName)) }
        return TaggedTXTValue.encode(tag: Self.tag, fields)
    }

    /// The time of the last sign of life: the heartbeat, else the join.
    package var lastSeenAt: Int { heartbeatAt ?? joinedAt }

    /// What a TXT value at the registry name is.
    package enum Reading: Sendable, Equatable {
        /// A valid mark.
        case mark(MemberMark)
        /// Not a mark at all (it does not start with the tag): someone else's record.
        case notAMark
        /// It starts with the tag but fails validation: forged, damaged, or written by a newer
        /// version. r53hook lists it as foreign and never acts on it or deletes it.
        case invalid(reason: String)
    }

    /// The fields a mark may hold, each at most once.
    private static let knownKeys: Set<String> = ["v", "instance", "address", "az", "joined", "heartbeat", "role", "group", "name"]

    /// Reads a TXT value; nil when it is not a valid r53hook mark.
    package init?(txtValue: String) {
        guard case .mark(let mark) = Self.read(txtValue: txtValue) else { return nil }
        self = mark
    }

    /// Reads a TXT value written by any machine that can change the zone, so every field is
    /// checked where it enters: one quoted string of at most 255 printable ASCII characters,
    /// words `key=value` with no key twice, `v=1`, an instance id (or `-`), an IP address, a
    /// zone name (or `-`), times as plain digits within `UnixTime.plausibleSeconds` (so no
    /// arithmetic on them can overflow), a known role, a valid group. Keys it does not know are
    /// skipped if well formed, as a newer r53hook may add fields to v=1 marks as this one did
    /// with heartbeat, role and group.
    package static func read(txtValue: String) -> Reading {
        switch TaggedTXTValue.read(txtValue, tag: tag, knownKeys: knownKeys) {
        case .untagged:
            return .notAMark
        case .invalid(let reason):
            return .invalid(reason: reason)
        case .fields(let fields):
            do throws(Invalid) {
                return .mark(try mark(from: fields))
            } catch {
                return .invalid(reason: error.reason)
            }
        }
    }

    /// Why a value is not a valid mark.
    private struct Invalid: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The mark the fields describe, each checked.
    private static func mark(from fields: [String: String]) throws(Invalid) -> MemberMark {
        guard let version = fields["v"] else { throw Invalid("it has no version (v=1)") }
        guard version == "1" else { throw Invalid("v=\(version) is a mark version this r53hook does not know (it reads v=1): written by a newer r53hook?") }
        guard let instanceId = fields["instance"] else { throw Invalid("it has no instance=") }
        guard instanceId == "-" || EC2Identifiers.isInstanceId(instanceId) else {
            throw Invalid("instance=\(instanceId) is not an instance id (i- and up to 32 lowercase letters and digits) or '-'")
        }
        guard let address = fields["address"] else { throw Invalid("it has no address=") }
        guard IPAddress(address) != nil else { throw Invalid("address=\(address) is not an IP address") }
        let zone = fields["az"] ?? "-"
        guard zone == "-" || EC2Identifiers.isAvailabilityZone(zone) else {
            throw Invalid("az=\(zone) is not an availability zone (up to 64 lowercase letters, digits and '-') or '-'")
        }
        guard let joinedText = fields["joined"] else { throw Invalid("it has no joined=") }
        let joinedAt = try time("joined", joinedText)
        let heartbeatAt = try fields["heartbeat"].map { text throws(Invalid) in try time("heartbeat", text) }
        let role = try fields["role"].map { text throws(Invalid) in
            guard let role = MemberRole(rawValue: text) else {
                throw Invalid("role=\(text) is not a role (\(MemberRole.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return role
        }
        let group = fields["group"]
        if let group, let problem = problem(withGroup: group) { throw Invalid("group=\(group): \(problem)") }
        let instanceName = fields["name"]
        if let instanceName {
            if let problem = DNSName.problem(with: instanceName) { throw Invalid("name=\(instanceName): \(problem)") }
            guard instanceName == DNSName.normalized(instanceName) else { throw Invalid("name=\(instanceName) is not lower-case with a trailing dot") }
        }
        return MemberMark(
            instanceId: instanceId, address: address, availabilityZone: zone,
            joinedAt: joinedAt, heartbeatAt: heartbeatAt, role: role, group: group, instanceName: instanceName)
    }

    /// A time field: plain digits within `UnixTime.plausibleSeconds`.
    private static func time(_ key: String, _ text: String) throws(Invalid) -> Int {
        if let seconds = UnixTime.plausibleWholeSeconds(Substring(text)) { return seconds }
        let range = UnixTime.plausibleSeconds
        let shown = text.utf8.count > 24 ? "\(text.prefix(24))…" : "\(text)"
        throw Invalid(
            "\(key)=\(shown) is not a time in Unix seconds between \(range.lowerBound) (\(UnixTime(seconds: Double(range.lowerBound)).iso8601)) and \(range.upperBound) (\(UnixTime(seconds: Double(range.upperBound)).iso8601))"
        )
    }

    /// Why a group name is not acceptable, or nil: one DNS label of letters, digits, '-' and '_'.
    package static func problem(withGroup name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= 63 else { return "a group name has 1 to 63 characters" }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return "a group name has only letters, digits, '-' and '_'"
        }
        return nil
    }
}
