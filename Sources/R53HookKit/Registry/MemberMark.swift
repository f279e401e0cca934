import AWSKit

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

    /// What a TXT value at the registry name is.
    public enum Reading: Sendable, Equatable {
        /// A valid mark.
        case mark(MemberMark)
        /// Not a mark at all (it does not start with the tag): someone else's record.
        case notAMark
        /// It starts with the tag but fails validation: forged, damaged, or written by a newer
        /// version. r53hook lists it as foreign and never acts on it or deletes it.
        case invalid(reason: String)
    }

    /// The fields a mark may hold, each at most once.
    private static let knownKeys: Set<Substring> = ["v", "instance", "address", "az", "joined", "heartbeat", "role", "group"]

    /// Reads a TXT value; nil when it is not a valid r53hook mark.
    public init?(txtValue: String) {
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
    public static func read(txtValue: String) -> Reading {
        var text = Substring(txtValue)
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = text.dropFirst().dropLast() }
        guard text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).first == Substring(tag) else { return .notAMark }
        do throws(Invalid) {
            guard txtValue.hasPrefix("\""), txtValue.hasSuffix("\""), txtValue.utf8.count >= 2 else {
                throw Invalid("it is not one quoted TXT string")
            }
            return .mark(try mark(from: try fields(of: text)))
        } catch {
            return .invalid(reason: error.reason)
        }
    }

    /// Why a value is not a valid mark.
    private struct Invalid: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The `key=value` words after the tag, each key once, in r53hook's character set.
    private static func fields(of text: Substring) throws(Invalid) -> [Substring: Substring] {
        if let bad = text.unicodeScalars.first(where: { !(0x20...0x7E).contains($0.value) || $0 == "\"" || $0 == "\\" }) {
            throw Invalid("it holds \(PrintableText.codePoint(bad)), which r53hook never writes (only printable ASCII without quotes or backslashes)")
        }
        guard text.utf8.count <= 255 else { throw Invalid("it is longer than the 255 characters of one TXT string") }
        var fields: [Substring: Substring] = [:]
        for word in text.split(separator: " ", omittingEmptySubsequences: false).dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw Invalid("'\(word)' is not a key=value word") }
            guard fields.updateValue(parts[1], forKey: parts[0]) == nil else { throw Invalid("\(parts[0])= appears twice") }
            guard knownKeys.contains(parts[0]) || parts[0].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
                throw Invalid("'\(parts[0])' is not a field name")
            }
        }
        return fields
    }

    /// The mark the fields describe, each checked.
    private static func mark(from fields: [Substring: Substring]) throws(Invalid) -> MemberMark {
        guard let version = fields["v"] else { throw Invalid("it has no version (v=1)") }
        guard version == "1" else { throw Invalid("v=\(version) is a mark version this r53hook does not know (it reads v=1): written by a newer r53hook?") }
        guard let instanceId = fields["instance"] else { throw Invalid("it has no instance=") }
        guard instanceId == "-" || EC2Identifiers.isInstanceId(instanceId) else {
            throw Invalid("instance=\(instanceId) is not an instance id (i- and up to 32 lowercase letters and digits) or '-'")
        }
        guard let address = fields["address"] else { throw Invalid("it has no address=") }
        guard IPAddress(String(address)) != nil else { throw Invalid("address=\(address) is not an IP address") }
        let zone = fields["az"] ?? "-"
        guard zone == "-" || EC2Identifiers.isAvailabilityZone(zone) else {
            throw Invalid("az=\(zone) is not an availability zone (up to 64 lowercase letters, digits and '-') or '-'")
        }
        guard let joinedText = fields["joined"] else { throw Invalid("it has no joined=") }
        let joinedAt = try time("joined", joinedText)
        let heartbeatAt = try fields["heartbeat"].map { text throws(Invalid) in try time("heartbeat", text) }
        let role = try fields["role"].map { text throws(Invalid) in
            guard let role = MemberRole(rawValue: String(text)) else {
                throw Invalid("role=\(text) is not a role (\(MemberRole.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return role
        }
        let group = fields["group"].map(String.init)
        if let group, let problem = problem(withGroup: group) { throw Invalid("group=\(group): \(problem)") }
        return MemberMark(instanceId: String(instanceId), address: String(address), availabilityZone: String(zone),
                          joinedAt: joinedAt, heartbeatAt: heartbeatAt, role: role, group: group)
    }

    /// A time field: plain digits within `UnixTime.plausibleSeconds`.
    private static func time(_ key: String, _ text: Substring) throws(Invalid) -> Int {
        if let seconds = UnixTime.plausibleWholeSeconds(text) { return seconds }
        let range = UnixTime.plausibleSeconds
        let shown = text.utf8.count > 24 ? "\(text.prefix(24))…" : "\(text)"
        throw Invalid("\(key)=\(shown) is not a time in Unix seconds between \(range.lowerBound) (\(UnixTime(seconds: Double(range.lowerBound)).iso8601)) and \(range.upperBound) (\(UnixTime(seconds: Double(range.upperBound)).iso8601))")
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
