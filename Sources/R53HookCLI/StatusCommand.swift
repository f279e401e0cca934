import AWSKit
import ArgumentParser
import R53HookKit

/// `r53hook status`.
struct StatusCommand: HookCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show this instance's record and every record of the weighted set, and its load balancer state.")

    @OptionGroup(title: "Config file and hosted zone") var zone: ZoneOptions
    @OptionGroup(title: "Record") var record: RecordOptions
    @OptionGroup(title: "Load balancer") var loadBalancer: LoadBalancerOptions
    @OptionGroup(title: "AWS and logging") var aws: AWSOptions
    @OptionGroup(visibility: .private) var ignored0: IgnoredRecordValueOptions
    @OptionGroup(visibility: .private) var ignored1: IgnoredQuorumOptions
    @OptionGroup(visibility: .private) var ignored2: IgnoredDryRunOptions
    @OptionGroup var output: JSONOptions

    func settings(from resolver: SettingsResolver) throws(SettingsError) -> FleetTarget {
        try resolver.fleetTarget(withValues: false)
    }

    func run(_ target: FleetTarget, in runtime: HookRuntime) async throws {
        let context = try await runtime.fleetContext(target)
        var sections: [String] = []
        var json: [(String, JSONWriter.Node)] = []
        if target.record != nil {
            let report = try await RecordSetStatus(route53: runtime.route53, identity: runtime.identity, logger: runtime.logger).run(target)
            sections.append(StatusFormatter.text(report))
            if case .object(let fields) = StatusFormatter.jsonNode(report) { json += fields }
        }
        if let loadBalancer = context.loadBalancer {
            let instanceId = try? await runtime.identity.instanceId()
            let members = try await loadBalancer.members()
            sections.append(StatusFormatter.text(loadBalancer: "\(loadBalancer)", instanceId: instanceId, members: members))
            json.append(("loadBalancer", StatusFormatter.jsonNode(loadBalancer: "\(loadBalancer)", instanceId: instanceId, members: members)))
        }
        // What a `watch` on this machine last saw and decided, when one has run.
        if let text = DirectoryHeartbeatMemo(directory: WatchCommand.runtimeDirectory, logger: runtime.logger).load(key: WatchReport.memoKey),
            let watch = WatchReport(text: text)
        {
            sections.append(WatchReportFormatter.text(watch))
            json.append(("watch", WatchReportFormatter.jsonNode(watch)))
        }
        print(output.json ? JSONWriter.write(.object(json)) : sections.joined(separator: "\n\n"))
    }
}
