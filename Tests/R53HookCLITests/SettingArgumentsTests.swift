import ArgumentParser
import Testing

@testable import R53HookCLI

/// Which command takes which setting, proven by parsing: each command is given each setting's
/// flag; a command that declares it must hand the value to the resolver (collected by property
/// name), and one that does not must refuse the flag.
@Suite struct SettingArgumentsTests {
    /// The arguments a command needs besides the flag under test.
    private static let required: [String: [String]] = ["cycle": ["--", "true"], "lock": ["reports", "--", "true"]]

    private static let commands: [(name: String, type: any HookCommand.Type)] = [
        ("start", StartCommand.self), ("stop", StopCommand.self), ("cycle", CycleCommand.self), ("status", StatusCommand.self),
        ("members", MembersCommand.self), ("heartbeat", HeartbeatCommand.self), ("role", RoleCommand.self),
        ("sweep", SweepCommand.self), ("lock", LockCommand.self), ("watch", WatchCommand.self),
    ]

    private static let common: Set<SettingKey> = [.config, .fromTags, .zoneId, .zoneName, .privateZone, .imdsV1, .debug, .logFormat]
    private static let record: Set<SettingKey> = [.name, .type, .setIdentifier]
    private static let values: Set<SettingKey> = [.ttl, .weight, .address, .healthCheckId, .routing, .instanceName]
    private static let loadBalancer: Set<SettingKey> = [.elb, .targetGroup, .targetPort]
    private static let quorum: Set<SettingKey> = [.minHealthy, .quorum, .quorumInterval, .quorumTimeout, .onNoQuorum, .quorumLock]
    private static let joining: Set<SettingKey> = [.holdFile, .healthyTimeout, .noWait, .adopt, .createFirst]

    /// The flags every command but `lock` shared before the settings table.
    private static let sharedBefore: Set<SettingKey> = common.union(record).union(values).union(loadBalancer).union(quorum)
        .union([.deadline, .healthyTimeout, .holdFile, .dryRun]).subtracting([.onNoQuorum])

    /// The table of which command takes what, as the issue asked: each shows only what it uses.
    private static let expected: [String: Set<SettingKey>] = [
        "start": common.union(record).union(values).union(loadBalancer).union(joining).union([.deadline, .dryRun]),
        "stop": common.union(record).union(loadBalancer).union(quorum).union([.drainExtra, .deadline, .dryRun]),
        "cycle": common.union(record).union(values).union(loadBalancer).union(quorum).union(joining)
            .union([.drainExtra, .rejoinOnFailure, .passAWSCredentials, .deadline, .dryRun]),
        "status": common.union(record).union(loadBalancer).union([.deadline, .json]),
        "members": common.union(record).union([.expiry, .deadline, .json]),
        "heartbeat": common.union(record).union([.deadline]),
        "role": common.union(record).union([.group, .servers, .expiry, .deadline, .json]),
        "sweep": common.union(record).union([.expiry, .maxFraction, .force, .deadline, .dryRun]),
        "lock": common.union([.owner, .lease, .lockNoWait, .waitTimeout, .passAWSCredentials]),
        "watch": common.union(record).union(values).union(loadBalancer).union(joining).union(quorum)
            .union([.drainExtra, .deadline, .expiry, .pollInterval, .spotMargin, .eventLead, .onRebalance, .lifecycleHook, .autoScalingGroup])
            .union([.checkUrl, .checkCmd, .checkInterval, .rise, .fall, .onUnhealthy]),
    ]

    private static func arguments(for key: SettingKey) -> (arguments: [String], value: String) {
        let spec = key.spec
        if key == .privateZone { return (["--private-zone"], "true") }
        switch spec.form {
        case .switchTo(let value): return ([spec.flag], value)
        case .option:
            let sample: String
            switch spec.rule {
            case .choice(let words), .choiceList(let words): sample = words.last ?? "x"
            case .fraction: sample = "0.5"
            case .integer(let range): sample = String(range.upperBound)
            case .text, .boolean: sample = "sample-\(key.rawValue)"
            }
            return ([spec.flag, sample], sample)
        }
    }

    @Test func everyCommandTakesExactlyItsSettingsAndHandsEachToTheResolver() throws {
        for (name, type) in Self.commands {
            var taken: Set<SettingKey> = []
            var accepted: Set<SettingKey> = []
            for key in SettingKey.allCases {
                let (arguments, value) = Self.arguments(for: key)
                guard let command = try? type.parse(arguments + (Self.required[name] ?? [])) else { continue }
                accepted.insert(key)
                if SettingArguments.ignored(in: command) == [key] { continue }
                let given = SettingArguments.given(in: command)
                #expect(given.count == 1, "\(name) \(arguments): collected \(given)")
                // `lock --no-wait` and `start --no-wait` are two settings with one flag.
                if let other = given.keys.first, other != key, other.spec.flag == key.spec.flag { continue }
                taken.insert(key)
                #expect(given[key] == value, "\(name) \(arguments): collected \(given)")
            }
            #expect(taken == Self.expected[name], "\(name) takes \(taken.map(\.rawValue).sorted())")
            // Every flag the command accepted before each showed only its own is still accepted.
            if name != "lock" {
                #expect(accepted.isSuperset(of: Self.sharedBefore), "\(name) refuses \(Self.sharedBefore.subtracting(accepted))")
            }
        }
    }

    @Test func everySettingIsTakenBySomeCommand() {
        let taken = Self.expected.values.reduce(into: Set<SettingKey>()) { $0.formUnion($1) }
        #expect(taken == Set(SettingKey.allCases))
    }

    @Test func statusNoLongerOffersTheQuorumOrTheHoldFile() {
        let help = StatusCommand.helpMessage(columns: 200)
        #expect(!help.contains("--min-healthy"))
        #expect(!help.contains("--hold-file"))
        #expect(help.contains("LOAD BALANCER:"))
    }

    @Test func nothingGivenCollectsNothing() throws {
        #expect(SettingArguments.given(in: try StopCommand.parse([])).isEmpty)
    }
}

/// The vocabulary's list of commands is the root command's list of subcommands.
@Suite struct CommandListTests {
    @Test func theVocabularyKnowsEverySubcommand() {
        let subcommands = R53HookCommand.configuration.subcommands.compactMap { $0.configuration.commandName }
        #expect(Set(CommandVocabulary.commands.map(\.name)) == Set(subcommands))
        #expect(CommandVocabulary.all.allSatisfy { vocabulary in vocabulary.flag(for: .memberIdentifier) != nil })
    }
}
