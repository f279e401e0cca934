import ArgumentParser
import R53HookKit

/// The words one command has for the domain's knobs: which of its flags (and environment keys)
/// turns each one. The error renderer asks it, so a remedy names only flags the running command
/// has: `lock` raises its lock wait with `--wait-timeout`, while `role` and `sweep` wait for
/// their lock within `--deadline`, and `stop` and `cycle` within `--quorum-timeout` (plus a
/// minute). A knob a command lacks has no entry here; the renderer then points to the command
/// that has it, or says it without a flag.
///
/// The words come from the settings table: each knob is a setting, and a command has the words
/// when its option groups declare that setting.
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

    /// Every command's vocabulary, derived from the settings its option groups declare; `start`
    /// first, as the usual owner of a capability.
    static let all: [CommandVocabulary] = commands.map { name, type, arguments in
        let declared = (try? type.parse(arguments)).map(SettingArguments.declared(in:)) ?? []
        var words: [Knob: Words] = [:]
        for knob in Knob.allCases {
            guard let key = setting(for: knob, in: name), declared.contains(key) else { continue }
            words[knob] = Words(flag: key.spec.flag, environmentKey: key.spec.environment)
        }
        return CommandVocabulary(command: name, words: words)
    }

    /// Every command, with the arguments it cannot be parsed without.
    static let commands: [(name: String, type: any ParsableCommand.Type, arguments: [String])] = [
        ("start", StartCommand.self, []), ("stop", StopCommand.self, []), ("cycle", CycleCommand.self, ["--", "true"]),
        ("status", StatusCommand.self, []), ("heartbeat", HeartbeatCommand.self, []), ("members", MembersCommand.self, []),
        ("role", RoleCommand.self, []), ("sweep", SweepCommand.self, []), ("lock", LockCommand.self, ["lock", "--", "true"]),
        ("watch", WatchCommand.self, []),
    ]

    /// The setting that turns a knob in a command (whether the command takes it is checked
    /// apart): the lock wait is `--wait-timeout` in `lock`, the quorum timeout (plus a minute)
    /// in `stop` and `cycle`, the deadline in `role` and `sweep`; the member's name is the lock
    /// owner in `lock` and the set identifier elsewhere.
    static func setting(for knob: Knob, in command: String) -> SettingKey? {
        switch knob {
        case .deadline: return .deadline
        case .lockWait:
            switch command {
            case "lock": return .waitTimeout
            case "stop", "cycle", "watch": return .quorumTimeout
            case "role", "sweep": return .deadline
            default: return nil
            }
        case .healthyTimeout: return .healthyTimeout
        case .memberIdentifier: return command == "lock" ? .owner : .setIdentifier
        case .address: return .address
        case .zoneId: return .zoneId
        case .zoneVisibility: return .privateZone
        case .recordName: return .name
        case .healthCheckId: return .healthCheckId
        case .targetGroup: return .targetGroup
        case .classicLoadBalancer: return .elb
        case .adopt: return .adopt
        case .allowIMDSv1: return .imdsV1
        case .forceSweep: return .force
        case .sweepFraction: return .maxFraction
        case .noWait: return command == "lock" ? .lockNoWait : .noWait
        case .zoneName: return .zoneName
        case .rejoinOnFailure: return .rejoinOnFailure
        case .onNoQuorum: return .onNoQuorum
        case .noQuorumLock: return .quorumLock
        case .recordType: return .type
        case .routing: return .routing
        case .instanceName: return .instanceName
        }
    }
}
