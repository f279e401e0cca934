import AWSKit
import Logging

/// `heartbeat`: refresh this member's mark with the time now, proving it is alive. The first
/// heartbeat also declares that the member sends them, so that `members`, `role` and `sweep`
/// judge it by its heartbeat's age from then on.
///
/// A heartbeat costs one Route 53 request when the memo of the previous one is still right
/// (the exact [DELETE, CREATE] of the remembered mark), otherwise the zone lookup, one read and
/// one change.
package struct MemberHeartbeat: Sendable {
    private let route53: Route53Client
    private let identity: InstanceIdentity
    private let memo: (any HeartbeatMemo)?
    private let time: any TimeSource
    private let logger: Logger

    /// Creates the use case; without a memo every heartbeat reads the registry.
    package init(
        route53: Route53Client, identity: InstanceIdentity, memo: (any HeartbeatMemo)? = nil, time: any TimeSource,
        logger: Logger
    ) {
        self.route53 = route53
        self.identity = identity
        self.memo = memo
        self.time = time
        self.logger = logger
    }

    /// Writes the heartbeat; returns the mark as written.
    package func run(_ target: FleetTarget) async throws -> MemberMark {
        let dns = try target.requireRecord()
        let setIdentifier = try await identity.setIdentifier(target)
        let now = Int(time.wallClock.seconds)
        let key = Self.memoKey(dns, setIdentifier: setIdentifier)

        if let memo, let text = memo.load(key: key), let remembered = Remembered(text) {
            let registry = MemberRegistry(
                route53: route53, zone: remembered.zone, recordName: dns.recordName,
                recordType: dns.recordType.rawValue)
            var new = remembered.mark
            new.heartbeatAt = now
            let changes = [
                RecordChange(.delete, registry.markRecord(setIdentifier: setIdentifier, mark: remembered.mark)),
                RecordChange(.create, registry.markRecord(setIdentifier: setIdentifier, mark: new)),
            ]
            if let change = try await registry.apply(
                changes, comment: "r53hook heartbeat \(setIdentifier)",
                action: "write the heartbeat of \(setIdentifier)")
            {
                memo.save(key: key, value: Remembered(zone: remembered.zone, mark: new).text)
                logger.info("heartbeat of \(setIdentifier) at \(now) in \(registry.registryName) (change \(change.id))")
                return new
            }
            logger.debug("the remembered mark of \(setIdentifier) changed since the last heartbeat; reading the registry")
        }

        let registry = try await MemberRegistry.of(target, route53: route53)
        let (mark, change) = try await registry.rewriteMark(setIdentifier: setIdentifier) { old in
            var new = old
            new.heartbeatAt = now
            return new
        }
        memo?.save(key: key, value: Remembered(zone: registry.zone, mark: mark).text)
        logger.info("heartbeat of \(setIdentifier) at \(now) in \(registry.registryName) (change \(change.id))")
        return mark
    }

    /// One memo per zone choice, record and set identifier.
    static func memoKey(_ dns: RecordSettings, setIdentifier: String) -> String {
        let zone: String
        switch dns.zone {
        case .id(let id): zone = id
        case .name(let name, let isPrivate): zone = name + (isPrivate.map { $0 ? "private" : "public" } ?? "")
        }
        return "\(zone)-\(dns.recordName)\(dns.recordType.rawValue)-\(setIdentifier)"
    }

    /// The memo's text: `ZONEID ZONENAME private|public` on one line, the mark's TXT value on the next.
    struct Remembered {
        let zone: HostedZone
        let mark: MemberMark

        init(zone: HostedZone, mark: MemberMark) {
            self.zone = zone
            self.mark = mark
        }

        init?(_ text: String) {
            let lines = text.split(separator: "\n")
            guard lines.count == 2 else { return nil }
            let words = lines[0].split(separator: " ")
            guard words.count == 3, let mark = MemberMark(txtValue: String(lines[1])) else { return nil }
            self.init(zone: HostedZone(id: String(words[0]), name: String(words[1]), isPrivate: words[2] == "private"), mark: mark)
        }

        var text: String {
            "\(zone.id) \(zone.name) \(zone.isPrivate ? "private" : "public")\n\(mark.txtValue)\n"
        }
    }
}
