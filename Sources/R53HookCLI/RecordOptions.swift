import ArgumentParser
import R53HookKit

/// Whether to use the public or the private zone when both have the name.
enum ZoneVisibilityFlag: String, EnumerableFlag {
    case privateZone
    case publicZone

    static func name(for value: ZoneVisibilityFlag) -> NameSpecification {
        value == .privateZone ? .customLong("private-zone") : .customLong("public-zone")
    }

    static func help(for value: ZoneVisibilityFlag) -> ArgumentHelp? {
        value == .privateZone
            ? "With --zone-name: use the private zone of that name. (R53HOOK_PRIVATE_ZONE=true)"
            : "With --zone-name: use the public zone of that name. (R53HOOK_PRIVATE_ZONE=false)"
    }
}

/// Where the records live: the config file and the hosted zone. Shared by every command,
/// `lock` included.
struct ZoneOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "Read settings from FILE: KEY=VALUE lines with the R53HOOK_* keys (and AWS_* variables). (R53HOOK_CONFIG)",
            valueName: "file"))
    var configFile: String?

    @Option(help: ArgumentHelp("The hosted zone's id. (R53HOOK_ZONE_ID)", valueName: "id"))
    var zoneId: String?

    @Option(help: ArgumentHelp("The hosted zone's name, instead of its id. (R53HOOK_ZONE_NAME)", valueName: "name"))
    var zoneName: String?

    @Flag(exclusivity: .exclusive)
    var zoneVisibility: ZoneVisibilityFlag?

    /// The zone flags that were given, keyed like the environment.
    var given: [SettingKey: String] {
        var values: [SettingKey: String] = [:]
        values[.zoneId] = zoneId
        values[.zoneName] = zoneName
        values[.privateZone] = zoneVisibility.map { $0 == .privateZone ? "true" : "false" }
        return values
    }
}

/// The options every command shares. Each is optional here: a missing flag falls back to the
/// environment, then the config file, then the default (see SettingsResolver).
struct RecordOptions: ParsableArguments {
    @OptionGroup var zone: ZoneOptions

    /// The config file, when given.
    var configFile: String? { zone.configFile }

    @Option(help: ArgumentHelp("The record's fully qualified name, e.g. app.example.com. (R53HOOK_NAME)", valueName: "fqdn"))
    var name: String?

    @Option(help: ArgumentHelp("A or AAAA. (R53HOOK_TYPE, default A)", valueName: "type"))
    var type: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds resolvers may cache the record; stop drains this long. (R53HOOK_TTL, default 60)", valueName: "seconds"))
    var ttl: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Weighted-routing weight, 0-255; 0 takes no traffic while others have weight. (R53HOOK_WEIGHT, default 10)", valueName: "weight"))
    var weight: String?

    @Option(help: ArgumentHelp("The record's SetIdentifier. (R53HOOK_SET_IDENTIFIER, default: the instance id)", valueName: "id"))
    var setIdentifier: String?

    @Option(
        help: ArgumentHelp(
            "public-ipv4, local-ipv4, ipv6 or an IP address. (R53HOOK_ADDRESS, default: public-ipv4 in a public zone, local-ipv4 in a private one, ipv6 for AAAA)",
            valueName: "source"))
    var address: String?

    @Option(help: ArgumentHelp("Tie the record to this Route 53 health check. (R53HOOK_HEALTH_CHECK_ID)", valueName: "id"))
    var healthCheckId: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Give up on AWS retries and waits after this many seconds. (R53HOOK_DEADLINE, default 300)", valueName: "seconds"))
    var deadline: String?

    @Option(help: ArgumentHelp("Also join this classic ELB. (R53HOOK_ELB)", valueName: "name"))
    var elb: String?

    @Option(help: ArgumentHelp("Also join this ELBv2 target group. (R53HOOK_TARGET_GROUP)", valueName: "arn"))
    var targetGroup: String?

    @Option(help: ArgumentHelp("The port to register in the target group. (R53HOOK_TARGET_PORT, default: the group's)", valueName: "port"))
    var targetPort: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "How long start waits for the load balancer to report the instance healthy. (R53HOOK_HEALTHY_TIMEOUT, default 300)",
            valueName: "seconds"))
    var healthyTimeout: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Leave only if at least N healthy members remain. (R53HOOK_MIN_HEALTHY)", valueName: "n"))
    var minHealthy: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Leave only if at least this share of the members (rounded up) remains healthy, e.g. 0.67. (R53HOOK_QUORUM)",
            valueName: "fraction"))
    var quorum: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Pause between quorum checks. (R53HOOK_QUORUM_INTERVAL, default 5)", valueName: "seconds"))
    var quorumInterval: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "How long to wait for the quorum. (R53HOOK_QUORUM_TIMEOUT, default 60)", valueName: "seconds"))
    var quorumTimeout: String?

    @Option(
        help: ArgumentHelp(
            "While this file exists, start and cycle do not join. (R53HOOK_HOLD_FILE, default /etc/r53hook/hold)", valueName: "path"))
    var holdFile: String?

    @Flag(
        help: ArgumentHelp(
            "Check the quorum without the fleet-wide lock that makes concurrent leavers take turns (for comparison). (R53HOOK_QUORUM_LOCK=false)"))
    var noQuorumLock = false

    @Flag(help: "Print the change batch and the waits; change nothing. (R53HOOK_DRY_RUN)")
    var dryRun = false

    @Flag(help: "Allow IMDSv1 when IMDSv2 tokens are refused. (R53HOOK_IMDS_V1)")
    var imdsV1 = false

    @Flag(help: "Log every AWS request and response, with secrets redacted. (R53HOOK_DEBUG)")
    var debug = false

    /// The flags that were given, keyed like the environment.
    var given: [SettingKey: String] {
        var values = zone.given
        values[.name] = name
        values[.type] = type
        values[.ttl] = ttl
        values[.weight] = weight
        values[.setIdentifier] = setIdentifier
        values[.address] = address
        values[.healthCheckId] = healthCheckId
        values[.deadline] = deadline
        values[.elb] = elb
        values[.targetGroup] = targetGroup
        values[.targetPort] = targetPort
        values[.healthyTimeout] = healthyTimeout
        values[.minHealthy] = minHealthy
        values[.quorum] = quorum
        values[.quorumInterval] = quorumInterval
        values[.quorumTimeout] = quorumTimeout
        values[.holdFile] = holdFile
        if dryRun { values[.dryRun] = "true" }
        if noQuorumLock { values[.quorumLock] = "false" }
        if imdsV1 { values[.imdsV1] = "true" }
        if debug { values[.debug] = "true" }
        return values
    }
}
