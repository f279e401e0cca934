import AWSKit
import ArgumentParser
import R53HookKit

/// What every subcommand does around its work: collect its flags, resolve what it needs from
/// them, the environment and the config file, build the runtime, run, and turn a failure into
/// its message on stderr and its exit code.
protocol HookCommand: AsyncParsableCommand {
    /// What the command needs, checked before any AWS call.
    associatedtype Settings
    /// Reads the command's settings.
    func settings(from resolver: SettingsResolver) throws(HookError) -> Settings
    /// The work.
    func run(_ settings: Settings, in runtime: HookRuntime) async throws
}

extension HookCommand {
    func run() async throws {
        try await CommandErrors.reporting {
            let (runtime, settings) = try await HookRuntime.make(flags: SettingArguments.given(in: self)) { resolver throws(HookError) in
                try self.settings(from: resolver)
            }
            for key in SettingArguments.ignored(in: self) {
                runtime.logger.warning("\(key.spec.flag) has no effect on \(Self._commandName); it is ignored (see r53hook \(Self._commandName) --help)")
            }
            try await run(settings, in: runtime)
        }
    }
}

/// Turns what a command throws into its message on stderr and its exit code. Messages quote
/// values from flags, AWS and other machines' records, so they are escaped onto one line.
enum CommandErrors {
    static func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as HookError {
            StandardError.line("r53hook: error: " + PrintableText.escaping(error.message))
            throw ExitCode(ExitStatus.code(for: error.kind))
        } catch let error as AWSServiceError {
            StandardError.line("r53hook: error: " + PrintableText.escaping("AWS answered \(error)"))
            throw ExitCode(ExitStatus.unavailable)
        } catch is CancellationError {
            StandardError.line("r53hook: error: interrupted")
            throw ExitCode(ExitStatus.temporary)
        }
    }
}
