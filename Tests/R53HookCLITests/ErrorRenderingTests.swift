import AWSKit
import ArgumentParser
import R53HookKit
import Testing

@testable import R53HookCLI

/// The renderer words the same structured remedy in the flags of the command that is running,
/// and never names a flag that command lacks.
struct ErrorRenderingTests {
    private static func words(_ error: any Error, in command: String) -> String {
        ErrorRenderer.render(error, in: .named(command), debug: false).message
    }

    private static let lockWaitPassed = DomainError(
        .lockHeld, "lock _r53hook-lock-x is still held by i-other after 30 s", remedies: [.raise(.lockWait)])

    @Test func theLockWaitIsRaisedWithWaitTimeoutInLockButTheDeadlineInRoleAndSweep() {
        #expect(Self.words(Self.lockWaitPassed, in: "lock") == "lock _r53hook-lock-x is still held by i-other after 30 s; raise --wait-timeout (R53HOOK_LOCK_WAIT_TIMEOUT)")
        for command in ["role", "sweep"] {
            let text = Self.words(Self.lockWaitPassed, in: command)
            #expect(text.hasSuffix("; raise --deadline (R53HOOK_DEADLINE)"), "\(command): \(text)")
            #expect(!text.contains("--wait-timeout"), "\(command): \(text)")
        }
        // stop waits for the quorum lock up to --quorum-timeout and a minute.
        #expect(Self.words(Self.lockWaitPassed, in: "stop").hasSuffix("; raise --quorum-timeout (R53HOOK_QUORUM_TIMEOUT)"))
    }

    @Test func notWaitingIsExplainedOnlyWhereNoWaitExists() {
        let held = DomainError(.lockHeld, "lock x is held by i-other", remedies: [.runWithout(.noWait, purpose: "to wait for the lock")])
        #expect(Self.words(held, in: "lock") == "lock x is held by i-other; run without --no-wait to wait for the lock")
        #expect(Self.words(held, in: "role") == "lock x is held by i-other")
    }

    @Test func theInstancesNameIsTheSetIdentifierOrTheLockOwner() {
        let junk = DomainError(.instanceIdUnavailable, "IMDS answered an instance id that is not one", remedies: [.giveExplicitly([.memberIdentifier])])
        #expect(Self.words(junk, in: "start").hasSuffix("; give --set-identifier (R53HOOK_SET_IDENTIFIER) explicitly"))
        #expect(Self.words(junk, in: "lock").hasSuffix("; give --owner (R53HOOK_LOCK_OWNER) explicitly"))
    }

    @Test func imdsOffEC2NamesOnlyTheFlagsTheCommandHas() {
        let unreachable = AWSKitError(.metadataUnreachable, "could not read instance metadata 'instance-id'")
        let start = Self.words(unreachable, in: "start")
        #expect(start.contains("off EC2, give --set-identifier and --address and AWS credentials explicitly"), "\(start)")
        let lock = Self.words(unreachable, in: "lock")
        #expect(lock.contains("give --owner and AWS credentials explicitly") && !lock.contains("--address"), "\(lock)")
    }

    @Test func capabilitiesAreNamedWithTheCommandThatHasThem() {
        let unmarked = DomainError(
            .foreignRecord, "app.example.com. A i-1 exists without r53hook's registry mark",
            remedies: [.advice("delete it yourself"), .use(.adopt, purpose: "to take it over as this instance's record")])
        #expect(
            Self.words(unmarked, in: "start")
                == "app.example.com. A i-1 exists without r53hook's registry mark; delete it yourself, or run start --adopt to take it over as this instance's record"
        )
        // stop has no --adopt: the remedy names the command that has it.
        #expect(Self.words(unmarked, in: "stop").hasSuffix("or run start --adopt to take it over as this instance's record"))
        let tokenRefused = AWSKitError(.metadataSessionRefused, "IMDS refused a session token (HTTP 403)")
        #expect(Self.words(tokenRefused, in: "lock").hasSuffix("; run lock --imds-v1 to allow the older protocol"))
        #expect(Self.words(tokenRefused, in: "start").hasSuffix("; run start --imds-v1 to allow the older protocol"))
    }

    @Test func theDomainsOwnFormerFlagRemediesReadAsBefore() {
        let ambiguous = DomainError(.hostedZoneAmbiguous, "2 hosted zones are named example.com", remedies: [.choose(.zoneVisibility), .giveExplicitly([.zoneId])])
        #expect(
            Self.words(ambiguous, in: "start")
                == "2 hosted zones are named example.com; choose with --private-zone/--public-zone, or give --zone-id (R53HOOK_ZONE_ID) explicitly")
        let noPublic = DomainError(.addressUnavailable, "IMDS has no public-ipv4", remedies: [.set(.address, to: "local-ipv4"), .giveExplicitly([.address])])
        #expect(Self.words(noPublic, in: "start").contains("use --address local-ipv4"))
        let refused = DomainError(.sweepRefused, "sweep refused: 3 of 5", remedies: [.use(.forceSweep, purpose: "to sweep anyway"), .raise(.sweepFraction)])
        #expect(Self.words(refused, in: "sweep") == "sweep refused: 3 of 5; run sweep --force to sweep anyway, or raise --max-fraction (R53HOOK_MAX_FRACTION)")
        let throttled = AWSKitError(.throttled, "Route 53 kept throttling ChangeResourceRecordSets")
        #expect(Self.words(throttled, in: "start").hasSuffix("; raise --deadline (R53HOOK_DEADLINE)"))
        // lock bounds each call on its own: no --deadline to name.
        #expect(!Self.words(throttled, in: "lock").contains("--"))
    }

    /// Every remedy of every knob, in every command: each flag it names is one of that command's,
    /// or (for a capability) one of the command it names.
    @Test func noRenderingNamesAFlagTheCommandLacks() {
        for vocabulary in CommandVocabulary.all {
            for knob in Knob.allCases {
                let remedies: [Remedy] = [
                    .raise(knob), .giveExplicitly([knob]), .giveExplicitlyOffEC2([knob]), .check(knob), .choose(knob),
                    .set(knob, to: "v"), .useAnother(knob), .use(knob, purpose: "to p"), .runWithout(knob, purpose: "to p"),
                ]
                for remedy in remedies {
                    guard let text = ErrorRenderer.words(for: remedy, in: vocabulary) else { continue }
                    let named = Self.flags(in: text)
                    var allowed = Set(Self.flags(in: vocabulary.flagsText))
                    if case .use = remedy, let owner = CommandVocabulary.owner(of: knob), text.contains("run \(owner.command) ") {
                        allowed.formUnion(Self.flags(in: owner.flagsText))
                    }
                    #expect(named.allSatisfy(allowed.contains), "\(vocabulary.command) \(remedy): \(text)")
                }
            }
        }
    }

    /// Every flag a vocabulary names is in that command's --help: the vocabulary tells no lies.
    @Test func everyFlagOfAVocabularyIsAnOptionOfItsCommand() {
        let commands: [String: any ParsableCommand.Type] = [
            "start": StartCommand.self, "stop": StopCommand.self, "status": StatusCommand.self, "cycle": CycleCommand.self,
            "lock": LockCommand.self, "heartbeat": HeartbeatCommand.self, "members": MembersCommand.self,
            "role": RoleCommand.self, "sweep": SweepCommand.self, "watch": WatchCommand.self,
        ]
        #expect(Set(commands.keys) == Set(CommandVocabulary.all.map(\.command)))
        for vocabulary in CommandVocabulary.all {
            guard let command = commands[vocabulary.command] else { continue }
            let help = R53HookCommand.helpMessage(for: command, columns: 400)
            for flag in Self.flags(in: vocabulary.flagsText) {
                #expect(help.contains(flag), "\(vocabulary.command) has no \(flag)")
            }
        }
    }

    @Test func anUnexpectedErrorIsInternalAndShownUnderDebug() {
        struct Unforeseen: Error, CustomStringConvertible { var description: String { "what broke" } }
        let plain = ErrorRenderer.render(Unforeseen(), in: .named("start"), debug: false)
        #expect(plain.message.hasPrefix("internal error"))
        #expect(plain.message.contains("(please report)"))
        #expect(plain.debugLines.isEmpty)
        let debug = ErrorRenderer.render(Unforeseen(), in: .named("start"), debug: true)
        #expect(debug.debugLines.contains { $0.contains("Unforeseen") && $0.contains("what broke") })
        let bug = DomainError(.internalInconsistency, "lock holder ended without an outcome")
        #expect(ErrorRenderer.render(bug, in: .named("lock"), debug: false).message.hasSuffix("(please report)"))
    }

    @Test func debugShowsTheErrorsUnderneath() {
        let transport = HTTPTransportError(.timedOut, "Connection timed out after 1000 ms")
        let error = AWSKitError(.metadataUnreachable, "could not read instance metadata", underlying: transport)
        let lines = ErrorRenderer.render(error, in: .named("start"), debug: true).debugLines
        #expect(lines.count == 2)
        #expect(lines.last?.contains("Connection timed out after 1000 ms") == true)
    }

    /// The `--flag` tokens of a text.
    private static func flags(in text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "(" || $0 == ")" || $0 == "," })
            .filter { $0.hasPrefix("--") }.map(String.init)
    }
}

extension CommandVocabulary {
    /// Every flag of the vocabulary, for the tests.
    fileprivate var flagsText: String {
        Knob.allCases.compactMap { flag(for: $0) }.joined(separator: " ")
    }
}

/// The words log lines get for the running command.
struct LogWordingTests {
    @Test func logLinesNameTheRunningCommandsFlags() {
        let cycle = ErrorRenderer.wording(for: .named("cycle"))
        #expect(cycle.clause([.use(.rejoinOnFailure, purpose: "to rejoin even then")]) == "run cycle --rejoin-on-failure to rejoin even then")
        #expect(cycle.name(of: .noQuorumLock) == "--no-quorum-lock")
        let stop = ErrorRenderer.wording(for: .named("stop"))
        #expect(stop.name(of: .onNoQuorum) == "--on-no-quorum")
        #expect(stop.name(of: .zoneName) == "--zone-name")
        // stop has no --rejoin-on-failure: said in words.
        #expect(stop.name(of: .rejoinOnFailure) == "rejoining after a failed command")
    }
}
