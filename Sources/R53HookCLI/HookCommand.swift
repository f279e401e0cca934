import AWSKit
import ArgumentParser
import Logging
import R53HookKit

/// What every subcommand does around its work: build the runtime, run, and turn what it throws
/// into its message on stderr and its exit code.
protocol HookCommand: AsyncParsableCommand {
    var options: RecordOptions { get }
}

extension HookCommand {
    func withRuntime(extraFlags: [SettingKey: String] = [:], _ body: (HookRuntime) async throws -> Void) async throws {
        try await CommandErrors.reporting(as: Self.self) {
            try await body(try HookRuntime.make(options: options, extraFlags: extraFlags))
        }
    }
}

/// Turns what a command throws into its message on stderr and its exit code: every error, so
/// that none reaches swift-argument-parser's exit 1. Messages quote values from flags, AWS and
/// other machines' records, so they are escaped onto one line; remedies are worded in the flags
/// of the command that is running, in errors and (through `RemedyWording`) in log lines.
enum CommandErrors {
    static func reporting(as command: any ParsableCommand.Type, _ body: () async throws -> Void) async throws {
        try await reporting(in: CommandVocabulary.named(command.configuration.commandName ?? ""), body)
    }

    static func reporting(in vocabulary: CommandVocabulary, _ body: () async throws -> Void) async throws {
        do {
            try await RemedyWording.$current.withValue(ErrorRenderer.wording(for: vocabulary)) {
                try await body()
            }
        } catch let error where error is ExitCode || error is ValidationError || error is CleanExit {
            throw error
        } catch {
            let rendering = ErrorRenderer.render(error, in: vocabulary, debug: debugIsOn)
            StandardError.line("r53hook: error: " + PrintableText.escaping(rendering.message))
            for line in rendering.debugLines {
                StandardError.line("r53hook: debug: " + PrintableText.escaping(line))
            }
            throw ExitCode(ExitStatus.code(for: error))
        }
    }

    /// Whether `--debug` (or R53HOOK_DEBUG) is on: the log handler the runtime set up logs
    /// debug lines then. A failure before that (the settings themselves) falls back to the
    /// environment.
    private static var debugIsOn: Bool {
        Logger(label: "r53hook").logLevel <= .debug || ProcessEnvironment.current().flag("R53HOOK_DEBUG")
    }
}
