import R53HookKit

/// The words one command has for the domain's knobs: which of its flags (and environment keys)
/// turns each one. The error renderer asks it, so a remedy names only flags the running command
/// has: `lock` raises its lock wait with `--wait-timeout`, while `role` and `sweep` wait for
/// their lock within `--deadline`, and `stop` and `cycle` within `--quorum-timeout` (plus a
/// minute). A knob a command lacks has no entry here; the renderer then points to the command
/// that has it, or says it without a flag.
///
/// The lookup is all there is on purpose: when the settings table lists each option's commands,
/// these values can be derived from it.
struct CommandVocabulary: Sendable {
    /// A flag and, when the setting has one, its environment (and config-file) key.
    struct Words: Sendable, Equatable {
        let flag: String
        let environmentKey: String?
    }

    /// The command's name, as typed after `r53hook`.
    let command: String
    private let words: [Knob: Words]

    /// The flag that turns the knob in this command, if it has one.
    func flag(for knob: Knob) -> String? { words[knob]?.flag }

    /// The environment key of that flag, if it has one.
    func environmentKey(for knob: Knob) -> String? { words[knob]?.environmentKey }

    /// The vocabulary of the command with this name; a command without one (the root) has
    /// no knobs, so every remedy is said without a flag.
    static func named(_ command: String) -> CommandVocabulary {
        all.first { $0.command == command } ?? CommandVocabulary(command: command, words: [:])
    }

    /// The first command, in `all`'s order, that has a flag for the knob: where to turn on a
    /// capability the running command lacks (`stop` cannot adopt a record; `start --adopt` can).
    static func owner(of knob: Knob) -> CommandVocabulary? {
        all.first { $0.flag(for: knob) != nil }
    }

    /// Every command's vocabulary; `start` first, as the usual owner of a capability.
    static let all: [CommandVocabulary] = [
        CommandVocabulary(command: "start", words: record.merging(loadBalancer) { $1 }.merging([.adopt: Words(flag: "--adopt", environmentKey: nil)]) { $1 }),
        CommandVocabulary(
            command: "stop",
            words: record.merging(loadBalancer) { $1 }.merging(leaving) { $1 }.merging([
                .onNoQuorum: Words(flag: "--on-no-quorum", environmentKey: "R53HOOK_ON_NO_QUORUM")
            ]) { $1 }),
        CommandVocabulary(
            command: "cycle",
            words: record.merging(loadBalancer) { $1 }.merging(leaving) { $1 }.merging([
                .rejoinOnFailure: Words(flag: "--rejoin-on-failure", environmentKey: "R53HOOK_REJOIN_ON_FAILURE")
            ]) { $1 }),
        CommandVocabulary(command: "status", words: record),
        CommandVocabulary(command: "heartbeat", words: record),
        CommandVocabulary(command: "members", words: record),
        CommandVocabulary(command: "role", words: record.merging(deadlineBoundLock) { $1 }),
        CommandVocabulary(
            command: "sweep",
            words: record.merging(deadlineBoundLock) { $1 }.merging([
                .forceSweep: Words(flag: "--force", environmentKey: nil),
                .sweepFraction: Words(flag: "--max-fraction", environmentKey: nil),
            ]) { $1 }),
        CommandVocabulary(
            command: "lock",
            words: [
                .memberIdentifier: Words(flag: "--owner", environmentKey: nil),
                .zoneId: Words(flag: "--zone-id", environmentKey: "R53HOOK_ZONE_ID"),
                .zoneName: Words(flag: "--zone-name", environmentKey: "R53HOOK_ZONE_NAME"),
                .zoneVisibility: Words(flag: "--private-zone/--public-zone", environmentKey: "R53HOOK_PRIVATE_ZONE"),
                .allowIMDSv1: Words(flag: "--imds-v1", environmentKey: "R53HOOK_IMDS_V1"),
                .lockWait: Words(flag: "--wait-timeout", environmentKey: nil),
                .noWait: Words(flag: "--no-wait", environmentKey: nil),
            ]),
    ]

    /// The options of every command that works on a weighted record.
    private static let record: [Knob: Words] = [
        .deadline: Words(flag: "--deadline", environmentKey: "R53HOOK_DEADLINE"),
        .memberIdentifier: Words(flag: "--set-identifier", environmentKey: "R53HOOK_SET_IDENTIFIER"),
        .address: Words(flag: "--address", environmentKey: "R53HOOK_ADDRESS"),
        .zoneId: Words(flag: "--zone-id", environmentKey: "R53HOOK_ZONE_ID"),
        .zoneName: Words(flag: "--zone-name", environmentKey: "R53HOOK_ZONE_NAME"),
        .zoneVisibility: Words(flag: "--private-zone/--public-zone", environmentKey: "R53HOOK_PRIVATE_ZONE"),
        .recordName: Words(flag: "--name", environmentKey: "R53HOOK_NAME"),
        .healthCheckId: Words(flag: "--health-check-id", environmentKey: "R53HOOK_HEALTH_CHECK_ID"),
        .allowIMDSv1: Words(flag: "--imds-v1", environmentKey: "R53HOOK_IMDS_V1"),
    ]

    /// The load balancer options of the commands that join or leave one.
    private static let loadBalancer: [Knob: Words] = [
        .targetGroup: Words(flag: "--target-group", environmentKey: "R53HOOK_TARGET_GROUP"),
        .classicLoadBalancer: Words(flag: "--elb", environmentKey: "R53HOOK_ELB"),
        .healthyTimeout: Words(flag: "--healthy-timeout", environmentKey: "R53HOOK_HEALTHY_TIMEOUT"),
    ]

    /// `stop` and `cycle` wait for the quorum lock up to the quorum timeout and a minute, and
    /// can check the quorum without it.
    private static let leaving: [Knob: Words] = [
        .lockWait: Words(flag: "--quorum-timeout", environmentKey: "R53HOOK_QUORUM_TIMEOUT"),
        .noQuorumLock: Words(flag: "--no-quorum-lock", environmentKey: nil),
    ]

    /// `role` and `sweep` wait for their lock within the command's deadline.
    private static let deadlineBoundLock: [Knob: Words] = [
        .lockWait: Words(flag: "--deadline", environmentKey: "R53HOOK_DEADLINE")
    ]
}
