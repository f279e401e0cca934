import AWSKit
import ArgumentParser
import R53HookKit

/// The one place where what a layer threw becomes words: the message, then its remedies in the
/// flags of the command that is running (from its `CommandVocabulary`). A remedy whose knob the
/// command lacks points to the command that has it (a capability such as adopting a record) or
/// is said without a flag, so no message names a flag the command does not take.
enum ErrorRenderer {
    /// The line to print after `r53hook: error: ` (unescaped), and lines for `--debug`.
    struct Rendering: Sendable, Equatable {
        let message: String
        let debugLines: [String]
    }

    /// The words for any error. `debug` adds the underlying errors, and for an unexpected error
    /// its type and description.
    static func render(_ error: any Error, in vocabulary: CommandVocabulary, debug: Bool) -> Rendering {
        let message: String
        switch error {
        case let error as DomainError:
            message =
                sentence(error.message, remedies: error.remedies, in: vocabulary)
                + (error.code == .internalInconsistency ? Self.pleaseReport : "")
        case let error as AWSKitError:
            message = sentence(error.message, remedies: error.remedies, in: vocabulary)
        case let error as SettingsError:
            message = error.message + (error.kind == .internal ? Self.pleaseReport : "")
        case let error as AWSServiceError:
            message = "AWS answered \(error)"
        case let error as HTTPTransportError:
            message = "a connection failed: \(error.detail)"
        case is CancellationError:
            message = "interrupted"
        default:
            message =
                "internal error: an unexpected \(String(describing: type(of: error)))" + Self.pleaseReport
                + (debug ? "" : "; --debug shows it")
        }
        return Rendering(message: message, debugLines: debug ? Self.chain(of: error) : [])
    }

    /// The message, then each remedy as a clause: "...; raise --deadline, or stagger ...".
    static func sentence(_ message: String, remedies: [Remedy], in vocabulary: CommandVocabulary) -> String {
        let clauses = remedies.compactMap { words(for: $0, in: vocabulary) }
        return clauses.isEmpty ? message : message + "; " + clauses.joined(separator: ", or ")
    }

    /// One remedy in the running command's words, or nil when it has nothing to say there.
    static func words(for remedy: Remedy, in vocabulary: CommandVocabulary) -> String? {
        switch remedy {
        case .raise(let knob):
            return "raise " + name(of: knob, in: vocabulary)
        case .giveExplicitly(let knobs):
            let named = knobs.compactMap { flagWithKey(knob: $0, in: vocabulary) }
            return named.isEmpty ? nil : "give \(named.joined(separator: " and ")) explicitly"
        case .giveExplicitlyOffEC2(let knobs):
            let named = knobs.compactMap { vocabulary.flag(for: $0) } + ["AWS credentials"]
            return "off EC2, give \(named.joined(separator: " and ")) explicitly"
        case .check(let knob):
            return "check " + name(of: knob, in: vocabulary)
        case .choose(let knob):
            return vocabulary.flag(for: knob).map { "choose with \($0)" }
        case .set(let knob, let value):
            return vocabulary.flag(for: knob).map { "use \($0) \(value)" }
        case .useAnother(let knob):
            return "use another " + name(of: knob, in: vocabulary)
        case .use(let knob, let purpose):
            guard let owner = vocabulary.flag(for: knob) != nil ? vocabulary : CommandVocabulary.owner(of: knob),
                let flag = owner.flag(for: knob)
            else {
                return "allow \(plainWords(for: knob)) \(purpose)"
            }
            return "run \(owner.command) \(flag) \(purpose)"
        case .runWithout(let knob, let purpose):
            return vocabulary.flag(for: knob).map { "run without \($0) \(purpose)" }
        case .advice(let text):
            return text
        }
    }

    /// How log lines of the running command name knobs and remedies (see `RemedyWording`).
    static func wording(for vocabulary: CommandVocabulary) -> RemedyWording {
        RemedyWording(
            remedy: { words(for: $0, in: vocabulary) },
            knob: { vocabulary.flag(for: $0) ?? plainWords(for: $0) })
    }

    /// The flag, with its environment key when it has one; plain words when the command lacks it.
    private static func name(of knob: Knob, in vocabulary: CommandVocabulary) -> String {
        flagWithKey(knob: knob, in: vocabulary) ?? plainWords(for: knob)
    }

    private static func flagWithKey(knob: Knob, in vocabulary: CommandVocabulary) -> String? {
        guard let flag = vocabulary.flag(for: knob) else { return nil }
        return vocabulary.environmentKey(for: knob).map { "\(flag) (\($0))" } ?? flag
    }

    /// What a knob is, for a command that has no flag for it.
    static func plainWords(for knob: Knob) -> String {
        switch knob {
        case .deadline: return "the time allowed for AWS calls"
        case .lockWait: return "the time allowed to wait for the lock"
        case .healthyTimeout: return "the time allowed for the load balancer's health check"
        case .memberIdentifier: return "the instance's identifier"
        case .address: return "the record's address"
        case .zoneId: return "the hosted zone id"
        case .zoneVisibility: return "the zone's visibility (public or private)"
        case .recordName: return "the record's name"
        case .healthCheckId: return "the health check id"
        case .targetGroup: return "the target group"
        case .classicLoadBalancer: return "the load balancer's name"
        case .adopt: return "adopting the record"
        case .allowIMDSv1: return "IMDSv1"
        case .forceSweep: return "a forced sweep"
        case .sweepFraction: return "the share of members a sweep may delete"
        case .noWait: return "waiting for the lock"
        case .zoneName: return "the hosted zone's name"
        case .rejoinOnFailure: return "rejoining after a failed command"
        case .onNoQuorum: return "what to do without the quorum"
        case .noQuorumLock: return "checking the quorum without the lock"
        case .recordType: return "the record types"
        case .routing: return "the routing policy"
        case .instanceName: return "the per-instance name"
        }
    }

    /// The error and everything underneath it, one line each, for `--debug`.
    static func chain(of error: any Error) -> [String] {
        var lines: [String] = []
        var next: (any Error)? = error
        while let current = next, lines.count < 8 {
            lines.append("\(lines.isEmpty ? "error" : "caused by") \(String(reflecting: type(of: current))): \(current)")
            switch current {
            case let error as DomainError: next = error.underlying
            case let error as AWSKitError: next = error.underlying
            case let error as SettingsError: next = error.underlying
            default: next = nil
            }
        }
        return lines
    }

    private static let pleaseReport = " (please report)"
}
