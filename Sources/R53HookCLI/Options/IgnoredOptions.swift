import ArgumentParser

/// Groups of flags that a command accepts for compatibility but does not use; the settings
/// collected from them are reported as ignored, never resolved.
protocol IgnoredOptions: ParsableArguments {}

/// What `start` writes, which the commands that only read or delete the record ignore.
struct IgnoredRecordValueOptions: IgnoredOptions {
    @Option(ignoredSetting: .ttl) var ttl: String?
    @Option(ignoredSetting: .weight) var weight: String?
    @Option(ignoredSetting: .address) var address: String?
    @Option(ignoredSetting: .healthCheckId) var healthCheckId: String?
    @Option(ignoredSetting: .healthyTimeout) var healthyTimeout: String?
    @Option(ignoredSetting: .holdFile) var holdFile: String?
    @Option(ignoredSetting: .routing) var routing: String?
    @Option(ignoredSetting: .instanceName) var instanceName: String?
}

/// The quorum, which only `stop` and `cycle` keep.
struct IgnoredQuorumOptions: IgnoredOptions {
    @Option(ignoredSetting: .minHealthy) var minHealthy: String?
    @Option(ignoredSetting: .quorum) var quorum: String?
    @Option(ignoredSetting: .quorumInterval) var quorumInterval: String?
    @Option(ignoredSetting: .quorumTimeout) var quorumTimeout: String?
    @Flag(ignoredSetting: .quorumLock) var quorumLock = false
}

/// The load balancer, which the registry commands do not use.
struct IgnoredLoadBalancerOptions: IgnoredOptions {
    @Option(ignoredSetting: .elb) var elb: String?
    @Option(ignoredSetting: .targetGroup) var targetGroup: String?
    @Option(ignoredSetting: .targetPort) var targetPort: String?
}

/// `--dry-run`, which the commands that change nothing ignore.
struct IgnoredDryRunOptions: IgnoredOptions {
    @Flag(ignoredSetting: .dryRun) var dryRun = false
}
