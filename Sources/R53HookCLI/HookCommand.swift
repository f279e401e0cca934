import AWSKit
import ArgumentParser
import R53HookKit

/// What every subcommand does around its work: build the runtime, run, and turn a `HookError`
/// into its message on stderr and its exit code.
protocol HookCommand: AsyncParsableCommand {
    var options: RecordOptions { get }
}

extension HookCommand {
    func withRuntime(extraFlags: [SettingKey: String] = [:], _ body: (HookRuntime) async throws -> Void) async throws {
        try await CommandErrors.reporting {
            try await body(try HookRuntime.make(options: options, extraFlags: extraFlags))
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
