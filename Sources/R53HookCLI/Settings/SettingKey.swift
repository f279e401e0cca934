/// Every setting r53hook takes. Each case is named like the property that declares its flag in
/// an option group (the collector in `SettingArguments` matches them by name), and its
/// description (flag, environment key, rule, default, help) is its entry in `SettingsTable`.
enum SettingKey: String, Sendable, CaseIterable, Hashable {
    // Config file and hosted zone.
    case config, fromTags, zoneId, zoneName, privateZone
    // Record.
    case name, type, setIdentifier
    // Record values.
    case ttl, weight, address, healthCheckId
    // Load balancer.
    case elb, targetGroup, targetPort
    // Joining.
    case holdFile, noWait, healthyTimeout, adopt
    // Quorum.
    case minHealthy, quorum, quorumInterval, quorumTimeout, onNoQuorum, quorumLock
    // Leaving.
    case drainExtra, rejoinOnFailure
    // The command's environment.
    case passAWSCredentials
    // Registry, role and sweep.
    case expiry, group, servers, maxFraction, force
    // Lock.
    case owner, lease, lockNoWait, waitTimeout
    // AWS, logging and output.
    case deadline, imdsV1, debug, dryRun, json
    // Record model (issue 13).
    case routing, instanceName
    // Joining at boot.
    case createFirst
    // Watch.
    case pollInterval, spotMargin, eventLead, onRebalance, lifecycleHook, autoScalingGroup
    // Watch's local health check.
    case checkUrl, checkCmd, checkInterval, rise, fall, onUnhealthy
    // Logging, for every command.
    case logFormat

    /// The setting's description.
    var spec: SettingSpec { SettingsTable.spec(for: self) }
}
