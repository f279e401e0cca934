import ArgumentParser
import AWSKit
import R53HookKit

/// `r53hook status`.
struct StatusCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show this instance's identity and record, and every record of the weighted set.")

    @OptionGroup var options: RecordOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        try await withRuntime { runtime in
            let report = try await RecordSetStatus(route53: runtime.route53, identity: runtime.identity,
                                                   logger: runtime.logger).run(runtime.settings)
            print(json ? StatusFormatter.json(report) : StatusFormatter.text(report))
        }
    }
}
