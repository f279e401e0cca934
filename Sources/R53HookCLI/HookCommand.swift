import AWSKit
import ArgumentParser
import Logging
import R53HookKit

/// What every subcommand does around its work: collect its flags, resolve what it needs from
/// them, the environment and the config file, build the runtime, run, and turn a failure into
/// its message on stderr and its exit code.
protocol HookCommand: AsyncParsableCommand {
    /// What the command needs, checked before any AWS call.
    associatedtype Settings
    /// Reads the command's settings.
    func settings(from resolver: SettingsResolver) throws(SettingsError) -> Settings
    /// The work.
    func run(_ settings: Settings, in runtime: HookRuntime) async throws
}

extension HookCommand {
    func run() async throws {
        try await CommandErrors.reporting(as: Self.self) {
            let (runtime, settings) = try await HookRuntime.make(flags: SettingArguments.given(in: self)) { resolver throws(SettingsError) in
                try self.settings(from: resolver)
            }
            for key in SettingArguments.ignored(in: self) {
                runtime.logger.warning("\(key.spec.flag) has no effect on \(Self._commandName); it is ignored (see r53hook \(Self._commandName) --help)")
            }
            try await run(settings, in: runtime)
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
            let style = LogStyle.current
            StandardError.line(style.line(level: .error, message: rendering.message))
            for line in rendering.debugLines {
                StandardError.line(style.line(level: .debug, message: line))
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
