import AWSKit
import ArgumentParser
import R53HookKit

/// `r53hook status`.
struct StatusCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show this instance's record and every record of the weighted set, and its load balancer state.")

    @OptionGroup var options: RecordOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        try await withRuntime { runtime in
            let context = try await runtime.fleetContext()
            var sections: [String] = []
            var json: [(String, JSONWriter.Node)] = []
            if runtime.settings.record != nil {
                let report = try await RecordSetStatus(
                    route53: runtime.route53, identity: runtime.identity,
                    logger: runtime.logger
                ).run(runtime.settings)
                sections.append(StatusFormatter.text(report))
                if case .object(let fields) = StatusFormatter.jsonNode(report) { json += fields }
            }
            if let loadBalancer = context.loadBalancer {
                let instanceId = try? await runtime.identity.instanceId()
                let members = try await loadBalancer.members()
                sections.append(StatusFormatter.text(loadBalancer: "\(loadBalancer)", instanceId: instanceId, members: members))
                json.append(("loadBalancer", StatusFormatter.jsonNode(loadBalancer: "\(loadBalancer)", instanceId: instanceId, members: members)))
            }
            print(self.json ? JSONWriter.write(.object(json)) : sections.joined(separator: "\n\n"))
        }
    }
}
