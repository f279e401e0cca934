import R53HookKit

/// The table of every setting: one entry each. Adding an option is an entry here and one line
/// (`@Option(setting: .key) var key: String?`) in the option group of the commands that take
/// it; the resolver then reads it by key from the flag, the environment, the config file or the
/// default, in that order.
enum SettingsTable {
    /// The entry of one setting.
    static func spec(for key: SettingKey) -> SettingSpec {
        switch key {
        // Config file and hosted zone.
        case .config:
            return SettingSpec(
                flag: "--config", environment: "R53HOOK_CONFIG", form: .option(valueName: "file"),
                summary: "Read settings from FILE: KEY=VALUE lines with the R53HOOK_* keys (and AWS_* variables).")
        case .fromTags:
            return SettingSpec(
                flag: "--from-tags", environment: "R53HOOK_TAGS", form: .switchTo("true"), rule: .boolean, defaultValue: "false",
                summary: "Also read settings from this instance's tags r53hook:KEY (e.g. r53hook:name, r53hook:zone-id), below the config file.",
                discussion:
                    "Needs tags in instance metadata (the launch template's InstanceMetadataTags=enabled). The key is the flag without its dashes; every option but --config, --from-tags, --imds-v1, --debug and --log-format can come from a tag."
            )
        case .zoneId:
            return SettingSpec(flag: "--zone-id", environment: "R53HOOK_ZONE_ID", form: .option(valueName: "id"), summary: "The hosted zone's id.")
        case .zoneName:
            return SettingSpec(
                flag: "--zone-name", environment: "R53HOOK_ZONE_NAME", form: .option(valueName: "name"), summary: "The hosted zone's name, instead of its id.")
        case .privateZone:
            return SettingSpec(
                flag: "--private-zone/--public-zone", environment: "R53HOOK_PRIVATE_ZONE", form: .switchTo("true"), rule: .boolean,
                summary: "With --zone-name: use the private or the public zone of that name.")

        // Record.
        case .name:
            return SettingSpec(
                flag: "--name", environment: "R53HOOK_NAME", form: .option(valueName: "fqdn"),
                summary: "The record's fully qualified name, e.g. app.example.com.")
        case .type:
            return SettingSpec(
                flag: "--type", environment: "R53HOOK_TYPE", form: .option(valueName: "types"), rule: .choiceList(RecordType.allCases.map(\.rawValue)),
                defaultValue: RecordType.a.rawValue,
                summary: "A, AAAA, or A,AAAA (dual-stack: both records and marks in one atomic batch each way).")
        case .setIdentifier:
            return SettingSpec(
                flag: "--set-identifier", environment: "R53HOOK_SET_IDENTIFIER", form: .option(valueName: "id"),
                defaultDescription: "the instance id", summary: "The record's SetIdentifier.")

        // Record values.
        case .ttl:
            return SettingSpec(
                flag: "--ttl", environment: "R53HOOK_TTL", form: .option(valueName: "seconds"), rule: .integer(0...2_147_483_647),
                defaultValue: "60", summary: "Seconds resolvers may cache the record; stop drains this long.")
        case .weight:
            return SettingSpec(
                flag: "--weight", environment: "R53HOOK_WEIGHT", form: .option(valueName: "weight"), rule: .integer(0...255), defaultValue: "10",
                summary: "Weighted-routing weight, 0-255; 0 takes no traffic while others have weight.")
        case .address:
            return SettingSpec(
                flag: "--address", environment: "R53HOOK_ADDRESS", form: .option(valueName: "source"),
                defaultDescription: "public-ipv4 in a public zone, local-ipv4 in a private one, ipv6 for AAAA",
                summary: "public-ipv4, local-ipv4, ipv6 or an IP address.")
        case .healthCheckId:
            return SettingSpec(
                flag: "--health-check-id", environment: "R53HOOK_HEALTH_CHECK_ID", form: .option(valueName: "id"),
                summary: "Tie the record to this Route 53 health check.")

        // Load balancer.
        case .elb:
            return SettingSpec(flag: "--elb", environment: "R53HOOK_ELB", form: .option(valueName: "name"), summary: "Also join this classic ELB.")
        case .targetGroup:
            return SettingSpec(
                flag: "--target-group", environment: "R53HOOK_TARGET_GROUP", form: .option(valueName: "arn"), summary: "Also join this ELBv2 target group.")
        case .targetPort:
            return SettingSpec(
                flag: "--target-port", environment: "R53HOOK_TARGET_PORT", form: .option(valueName: "port"), rule: .integer(1...65535),
                defaultDescription: "the group's", summary: "The port to register in the target group.")

        // Joining.
        case .holdFile:
            return SettingSpec(
                flag: "--hold-file", environment: "R53HOOK_HOLD_FILE", form: .option(valueName: "path"), defaultValue: "/etc/r53hook/hold",
                summary: "While this file exists, start and cycle do not join.")
        case .noWait:
            return SettingSpec(
                flag: "--no-wait", environment: "R53HOOK_NO_WAIT", form: .switchTo("true"), rule: .boolean, defaultValue: "false",
                summary: "Return once Route 53 accepted the change, without waiting for INSYNC.")
        case .healthyTimeout:
            return SettingSpec(
                flag: "--healthy-timeout", environment: "R53HOOK_HEALTHY_TIMEOUT", form: .option(valueName: "seconds"), rule: .integer(1...86_400),
                defaultValue: "300", summary: "How long start waits for the load balancer to report the instance healthy.")
        case .adopt:
            return SettingSpec(
                flag: "--adopt", environment: "R53HOOK_ADOPT", form: .switchTo("true"), rule: .boolean, defaultValue: "false",
                summary: "Take over this instance's record although it lacks r53hook's registry mark (made by hand, another tool, or r53hook 0.1).")

        // Quorum.
        case .minHealthy:
            return SettingSpec(
                flag: "--min-healthy", environment: "R53HOOK_MIN_HEALTHY", form: .option(valueName: "n"), rule: .integer(0...100_000),
                summary: "Leave only if at least N healthy members remain.")
        case .quorum:
            return SettingSpec(
                flag: "--quorum", environment: "R53HOOK_QUORUM", form: .option(valueName: "fraction"), rule: .fraction,
                summary: "Leave only if at least this share of the members (rounded up) remains healthy, e.g. 0.67.")
        case .quorumInterval:
            return SettingSpec(
                flag: "--quorum-interval", environment: "R53HOOK_QUORUM_INTERVAL", form: .option(valueName: "seconds"), rule: .integer(1...3600),
                defaultValue: "5", summary: "Pause between quorum checks.")
        case .quorumTimeout:
            return SettingSpec(
                flag: "--quorum-timeout", environment: "R53HOOK_QUORUM_TIMEOUT", form: .option(valueName: "seconds"), rule: .integer(0...86_400),
                defaultValue: "60", summary: "How long to wait for the quorum.")
        case .onNoQuorum:
            return SettingSpec(
                flag: "--on-no-quorum", environment: "R53HOOK_ON_NO_QUORUM", form: .option(valueName: "action"), rule: .choice(NoQuorumAction.allCases.map(\.rawValue)),
                defaultValue: "proceed",
                summary: "Without the quorum after --quorum-timeout: proceed (leave anyway, loudly) or fail (exit 75, change nothing).")
        case .quorumLock:
            return SettingSpec(
                flag: "--no-quorum-lock", environment: "R53HOOK_QUORUM_LOCK", form: .switchTo("false"), rule: .boolean, defaultValue: "true",
                summary: "Check the quorum without the fleet-wide lock that makes concurrent leavers take turns (for comparison).")

        // Leaving.
        case .drainExtra:
            return SettingSpec(
                flag: "--drain-extra", environment: "R53HOOK_DRAIN_EXTRA", form: .option(valueName: "seconds"), rule: .integer(0...3600),
                defaultValue: "5", summary: "Seconds to drain beyond the record's TTL.")
        case .rejoinOnFailure:
            return SettingSpec(
                flag: "--rejoin-on-failure", environment: "R53HOOK_REJOIN_ON_FAILURE", form: .switchTo("true"), rule: .boolean, defaultValue: "false",
                summary: "Rejoin even when the command failed.")

        // The command's environment.
        case .passAWSCredentials:
            return SettingSpec(
                flag: "--pass-aws-credentials", environment: "R53HOOK_PASS_AWS_CREDENTIALS", form: .switchTo("true"), rule: .boolean,
                defaultValue: "false",
                summary:
                    "Give the command r53hook's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN and AWS_CONTAINER_AUTHORIZATION_TOKEN.",
                discussion: "By default they are removed from its environment: an AWS tool in the command then uses the rest of its chain (profile, instance role).")

        // Registry, role and sweep.
        case .expiry:
            return SettingSpec(
                flag: "--expiry", environment: "R53HOOK_EXPIRY", form: .option(valueName: "seconds"), rule: .integer(1...86_400), defaultValue: "120",
                summary: "Seconds after which a heartbeat counts as expired.")
        case .group:
            return SettingSpec(
                flag: "--group", environment: "R53HOOK_ROLE_GROUP", form: .option(valueName: "name"), summary: "The group: letters, digits, '-' and '_'.")
        case .servers:
            return SettingSpec(
                flag: "--servers", environment: "R53HOOK_ROLE_SERVERS", form: .option(valueName: "n"), rule: .integer(1...100),
                summary: "How many servers the group wants, 1-100.")
        case .maxFraction:
            return SettingSpec(
                flag: "--max-fraction", environment: "R53HOOK_MAX_FRACTION", form: .option(valueName: "fraction"), rule: .fraction, defaultValue: "0.5",
                summary: "Refuse (exit 75) when more than this share of the members would go at once.")
        case .force:
            return SettingSpec(
                flag: "--force", environment: nil, flagOnlyBecause: "a mass deletion is confirmed by hand, never by a file", form: .switchTo("true"),
                rule: .boolean, summary: "Sweep even beyond --max-fraction.")

        // Lock.
        case .owner:
            return SettingSpec(
                flag: "--owner", environment: "R53HOOK_LOCK_OWNER", form: .option(valueName: "id"), defaultDescription: "the instance id",
                summary: "Who holds the lock: up to 128 printable ASCII characters without '\"', '\\' or spaces.")
        case .lease:
            return SettingSpec(
                flag: "--lease", environment: "R53HOOK_LOCK_LEASE", form: .option(valueName: "seconds"), rule: .integer(3...3600), defaultValue: "30",
                summary: "Seconds the holder promises to renew within; 3 to 3600.")
        case .lockNoWait:
            return SettingSpec(
                flag: "--no-wait", environment: "R53HOOK_LOCK_NO_WAIT", form: .switchTo("true"), rule: .boolean, defaultValue: "false",
                summary: "Exit 75 at once when the lock is held.")
        case .waitTimeout:
            return SettingSpec(
                flag: "--wait-timeout", environment: "R53HOOK_LOCK_WAIT_TIMEOUT", form: .option(valueName: "seconds"), rule: .integer(0...31_536_000),
                defaultDescription: "wait forever", summary: "Give up waiting after this many seconds (exit 75).")

        // AWS, logging and output.
        case .deadline:
            return SettingSpec(
                flag: "--deadline", environment: "R53HOOK_DEADLINE", form: .option(valueName: "seconds"), rule: .integer(1...86_400), defaultValue: "300",
                summary: "Give up on AWS retries and waits after this many seconds.")
        case .imdsV1:
            return SettingSpec(
                flag: "--imds-v1", environment: "R53HOOK_IMDS_V1", form: .switchTo("true"), rule: .boolean, defaultValue: "false",
                summary: "Allow IMDSv1 when IMDSv2 tokens are refused.")
        case .debug:
            return SettingSpec(
                flag: "--debug", environment: "R53HOOK_DEBUG", form: .switchTo("true"), rule: .boolean, defaultValue: "false",
                summary: "Log every AWS request and response, with secrets redacted.")
        case .dryRun:
            return SettingSpec(
                flag: "--dry-run", environment: "R53HOOK_DRY_RUN", form: .switchTo("true"), rule: .boolean, defaultValue: "false",
                summary: "Print the change batch and the waits; change nothing.")
        case .json:
            return SettingSpec(
                flag: "--json", environment: nil, flagOnlyBecause: "a script gets the format it asks for", form: .switchTo("true"), rule: .boolean,
                summary: "Print JSON instead of text.")

        // Record model (issue 13).
        case .routing:
            return SettingSpec(
                flag: "--routing", environment: "R53HOOK_ROUTING", form: .option(valueName: "policy"), rule: .choice(RoutingPolicy.allCases.map(\.rawValue)),
                defaultValue: RoutingPolicy.weighted.rawValue,
                summary: "weighted, or multivalue (MultiValueAnswer records: up to eight healthy addresses per answer); one policy per name and type.")
        case .instanceName:
            return SettingSpec(
                flag: "--instance-name", environment: "R53HOOK_INSTANCE_NAME", form: .option(valueName: "template"),
                summary:
                    "Also a simple record for this instance alone, e.g. {instance-id}.app.example.com, written and deleted with its member record.",
                discussion:
                    "Placeholders: {instance-id}, {az}, {region}, {local-ipv4-dashed}, {public-ipv4-dashed}, {set-identifier}. A record already at that name that r53hook did not write is refused (exit 78); stop and sweep delete the name with the member."
            )
        // Joining at boot.
        case .createFirst:
            return SettingSpec(
                flag: "--create-first", environment: "R53HOOK_CREATE_FIRST", form: .switchTo("true"), rule: .boolean, defaultValue: "false",
                summary:
                    "At boot, when the record should not exist yet: CREATE it and its mark without reading first (the change alone, not two reads and the change); if Route 53 refuses, read and proceed as usual."
            )
        // Watch.
        case .pollInterval:
            return SettingSpec(
                flag: "--poll-interval", environment: "R53HOOK_POLL_INTERVAL", form: .option(valueName: "seconds"), rule: .integer(1...300),
                defaultValue: "2", summary: "Seconds between two reads of the instance's lifecycle signals from IMDS (which cost no Route 53 budget).")
        case .spotMargin:
            return SettingSpec(
                flag: "--spot-margin", environment: "R53HOOK_SPOT_MARGIN", form: .option(valueName: "seconds"), rule: .integer(0...110),
                defaultValue: "10", summary: "After a spot interruption notice, end the drain this long before EC2's time.")
        case .eventLead:
            return SettingSpec(
                flag: "--event-lead", environment: "R53HOOK_EVENT_LEAD", form: .option(valueName: "seconds"), rule: .integer(0...604_800),
                defaultValue: "600", summary: "Leave this long before an active scheduled event's NotBefore.")
        case .onRebalance:
            return SettingSpec(
                flag: "--on-rebalance", environment: "R53HOOK_ON_REBALANCE", form: .option(valueName: "action"),
                rule: .choice(RebalanceAction.allCases.map(\.rawValue)), defaultValue: RebalanceAction.log.rawValue,
                summary: "On a rebalance recommendation (advisory): log, weight-zero (stay at weight 0) or leave, until it is gone.")
        case .lifecycleHook:
            return SettingSpec(
                flag: "--lifecycle-hook", environment: "R53HOOK_LIFECYCLE_HOOK", form: .option(valueName: "names"),
                summary: "The Auto Scaling lifecycle hooks (comma-separated) whose actions watch completes with CONTINUE: a launching one once joined, a terminating one once left.",
                discussion:
                    "By instance id (IMDS gives no token), each exactly once, with RecordLifecycleActionHeartbeat while the leave lasts; needs autoscaling:DescribeLifecycleHooks, CompleteLifecycleAction and RecordLifecycleActionHeartbeat on the group."
            )
        case .autoScalingGroup:
            return SettingSpec(
                flag: "--autoscaling-group", environment: "R53HOOK_AUTOSCALING_GROUP", form: .option(valueName: "name"),
                defaultDescription: "the instance's aws:autoscaling:groupName tag, when tags are in IMDS",
                summary: "The Auto Scaling group of --lifecycle-hook.")

        // Watch's local health check.
        case .checkUrl:
            return SettingSpec(
                flag: "--check-url", environment: "R53HOOK_CHECK_URL", form: .option(valueName: "url"),
                summary: "Local health check: GET this http(s) URL, healthy on 2xx within --check-interval.",
                discussion: "Route 53 health checkers cannot reach private addresses; this check runs on the instance. Until it first passes, watch does not join.")
        case .checkCmd:
            return SettingSpec(
                flag: "--check-cmd", environment: "R53HOOK_CHECK_CMD", form: .option(valueName: "command"),
                summary: "Local health check: run this with /bin/sh -c, healthy on exit 0 within --check-interval.")
        case .checkInterval:
            return SettingSpec(
                flag: "--check-interval", environment: "R53HOOK_CHECK_INTERVAL", form: .option(valueName: "seconds"), rule: .integer(1...3600),
                defaultValue: "5", summary: "Seconds between local health checks, and each check's time limit.")
        case .rise:
            return SettingSpec(
                flag: "--rise", environment: "R53HOOK_RISE", form: .option(valueName: "n"), rule: .integer(1...100), defaultValue: "2",
                summary: "Passing checks in a row that put a failed instance back.")
        case .fall:
            return SettingSpec(
                flag: "--fall", environment: "R53HOOK_FALL", form: .option(valueName: "n"), rule: .integer(1...100), defaultValue: "3",
                summary: "Failing checks in a row that take the instance out.")
        case .onUnhealthy:
            return SettingSpec(
                flag: "--on-unhealthy", environment: "R53HOOK_ON_UNHEALTHY", form: .option(valueName: "action"),
                rule: .choice(UnhealthyAction.allCases.map(\.rawValue)), defaultValue: UnhealthyAction.weightZero.rawValue,
                summary: "When the local check fails: weight-zero (keep the record at weight 0) or leave.")

        // Logging, for every command.
        case .logFormat:
            return SettingSpec(
                flag: "--log-format", environment: "R53HOOK_LOG_FORMAT", form: .option(valueName: "format"), rule: .choice(["text", "json"]),
                defaultValue: "text", summary: "text, or json: one object per line (time, level, message) for log shippers.",
                discussion: "Under systemd (JOURNAL_STREAM names stderr) every line starts with its syslog priority, <3> to <7>, so journalctl -p warning works.")
        }
    }
}
