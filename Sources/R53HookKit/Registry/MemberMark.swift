/// The mark that says a weighted record pair belongs to r53hook: the value of the companion TXT
/// record `start` writes beside the address record, in the same change batch.
/// Written as one TXT string of at most 255 characters:
/// `"r53hook-member v=1 instance=i-0abc address=10.0.0.5 az=us-east-1a joined=1795000000 heartbeat=1795000030 role=server group=consul"`.
/// `heartbeat` appears once `r53hook heartbeat` has run (the member then promises to beat);
/// `role` and `group` once `r53hook role` has chosen.
public struct MemberMark: Sendable, Equatable {
    /// The tag that starts every mark.
    public static let tag = "r53hook-member"

    /// The instance id (`-` when r53hook ran off EC2 with an explicit set identifier).
    public var instanceId: String
    /// The address the pair's record points at.
    public var address: String
    /// The availability zone (`-` when unknown).
    public var availabilityZone: String
    /// When the pair was written by `start` (Unix seconds, the writer's clock).
    public var joinedAt: Int
    /// The last heartbeat (Unix seconds); nil while the member does not send heartbeats.
    public var heartbeatAt: Int?
    /// The role chosen by `r53hook role`.
    public var role: MemberRole?
    /// The group the role is in.
    public var group: String?

    /// Creates a mark.
    public init(instanceId: String, address: String, availabilityZone: String, joinedAt: Int, heartbeatAt: Int? = nil,
                role: MemberRole? = nil, group: String? = nil) {
        self.instanceId = instanceId
        self.address = address
        self.availabilityZone = availabilityZone
        self.joinedAt = joinedAt
        self.heartbeatAt = heartbeatAt
        self.role = role
        self.group = group
    }

    /// The TXT record value, quoted as Route 53 wants it.
    public var txtValue: String {
        var words = [Self.tag, "v=1", "instance=\(instanceId)", "address=\(address)", "az=\(availabilityZone)", "joined=\(joinedAt)"]
        if let heartbeatAt { words.append("heartbeat=\(heartbeatAt)") }
        if let role { words.append("role=\(role.rawValue)") }
        if let group { words.append("group=\(group)") }
        return "\"" + words.joined(separator: " ") + "\""
    }

    /// The time of the last sign of life: the heartbeat, else the join.
    public var lastSeenAt: Int { heartbeatAt ?? joinedAt }

    /// Reads a TXT value; nil when it is not an r53hook mark.
    public init?(txtValue: String) {
        var text = txtValue
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        let words = text.split(separator: " ")
        guard words.first.map(String.init) == Self.tag else { return nil }
        var fields: [String: String] = [:]
        for word in words.dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let instanceId = fields["instance"], let address = fields["address"],
              let joinedAt = fields["joined"].flatMap({ Int($0) }) else { return nil }
        self.init(instanceId: instanceId, address: address, availabilityZone: fields["az"] ?? "-", joinedAt: joinedAt,
                  heartbeatAt: fields["heartbeat"].flatMap { Int($0) }, role: fields["role"].flatMap(MemberRole.init(rawValue:)),
                  group: fields["group"])
    }

    /// Why a group name is not acceptable, or nil: one DNS label of letters, digits, '-' and '_'.
    public static func problem(withGroup name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= 63 else { return "a group name has 1 to 63 characters" }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return "a group name has only letters, digits, '-' and '_'"
        }
        return nil
    }
}
