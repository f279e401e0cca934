import AWSKit

/// Validated settings for one run: every value checked, defaults applied, nothing left to parse.
/// An instance joins a weighted DNS record, a load balancer, or both.
public struct HookSettings: Sendable, Equatable {
    /// How the hosted zone is chosen.
    public enum ZoneSelector: Sendable, Equatable {
        /// By id.
        case id(String)
        /// By name, optionally only the private (true) or public (false) zone of that name.
        case name(String, isPrivate: Bool?)
    }

    /// The record types r53hook manages.
    public enum RecordType: String, Sendable, Equatable, CaseIterable {
        /// IPv4.
        case a = "A"
        /// IPv6.
        case aaaa = "AAAA"
    }

    /// What `stop` does when the quorum is not there by `--quorum-timeout`.
    public enum NoQuorumAction: String, Sendable, Equatable, CaseIterable {
        /// Leave anyway, with a loud warning: the machine is going down either way.
        case proceed
        /// Exit 75 and change nothing.
        case fail
    }

    /// The weighted DNS record, when DNS is used.
    public var record: RecordSettings?
    /// The load balancer, when one is used.
    public var loadBalancer: LoadBalancerTarget?
    /// The quorum to keep when leaving, when one is configured.
    public var quorum: QuorumRule?
    /// Pause between quorum checks.
    public var quorumInterval: Duration
    /// How long to wait for the quorum before `onNoQuorum` applies.
    public var quorumTimeout: Duration
    /// What stop does without a quorum (cycle always fails).
    public var onNoQuorum: NoQuorumAction
    /// The zone of the lock that makes quorum checks and leaving take turns across the fleet:
    /// the record's zone, or with a load balancer alone a zone given without a record name.
    public var quorumLockZone: ZoneSelector?
    /// How long start waits for the load balancer to report the instance healthy.
    public var healthyTimeout: Duration
    /// While this file exists, start and cycle do not join.
    public var holdFile: String
    /// Whether cycle rejoins after the command failed.
    public var rejoinsOnFailure: Bool
    /// The set identifier; nil means this instance's id.
    public var setIdentifier: String?
    /// The limit on all AWS waits and retries of the command.
    public var deadline: Duration
    /// Seconds added to the TTL when draining at stop.
    public var drainExtra: Duration
    /// Whether start waits until the change is INSYNC and the instance healthy.
    public var waitsForSync: Bool
    /// Print the changes and the waits; change nothing.
    public var dryRun: Bool
    /// Log every request and response (redacted).
    public var debug: Bool
    /// Allow falling back to IMDSv1.
    public var allowsIMDSv1: Bool
    /// `start --adopt`: take over this instance's address record although it lacks r53hook's
    /// mark (made by hand, by another tool, or by r53hook before the registry).
    public var adoptsUnmarkedRecord = false
    /// Whether the command of `cycle` and `lock` gets the AWS keys, session token and container
    /// token from r53hook's environment; withheld by default (see `ChildEnvironment`).
    public var passesAWSCredentials = false

    /// Creates settings; `SettingsResolver` is the usual way.
    public init(
        record: RecordSettings? = nil, loadBalancer: LoadBalancerTarget? = nil, quorum: QuorumRule? = nil,
        quorumInterval: Duration = .seconds(5), quorumTimeout: Duration = .seconds(60),
        onNoQuorum: NoQuorumAction = .proceed, quorumLockZone: ZoneSelector? = nil,
        healthyTimeout: Duration = .seconds(300),
        holdFile: String = "/etc/r53hook/hold", rejoinsOnFailure: Bool = false, setIdentifier: String? = nil,
        deadline: Duration = .seconds(300), drainExtra: Duration = .seconds(5), waitsForSync: Bool = true,
        dryRun: Bool = false, debug: Bool = false, allowsIMDSv1: Bool = false
    ) {
        self.record = record
        self.loadBalancer = loadBalancer
        self.quorum = quorum
        self.quorumInterval = quorumInterval
        self.quorumTimeout = quorumTimeout
        self.onNoQuorum = onNoQuorum
        self.quorumLockZone = quorumLockZone
        self.healthyTimeout = healthyTimeout
        self.holdFile = holdFile
        self.rejoinsOnFailure = rejoinsOnFailure
        self.setIdentifier = setIdentifier
        self.deadline = deadline
        self.drainExtra = drainExtra
        self.waitsForSync = waitsForSync
        self.dryRun = dryRun
        self.debug = debug
        self.allowsIMDSv1 = allowsIMDSv1
    }

    /// The record settings, or an error for a command that needs DNS.
    public func requireRecord() throws(HookError) -> RecordSettings {
        guard let record else {
            throw HookError(.usage, "this needs a DNS record: give --zone-id or --zone-name, and --name")
        }
        return record
    }
}
