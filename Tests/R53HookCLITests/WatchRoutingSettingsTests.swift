import AWSKit
import R53HookKit
import Testing

@testable import R53HookCLI

/// A multivalue record has no weight, so watch's "weight-zero" actions could not take it out
/// of the answers: the resolver refuses the pair, naming both settings.
@Suite struct WatchRoutingSettingsTests {
    private func failure(_ flags: [SettingKey: String], env: [String: String] = [:]) -> SettingsError? {
        let base: [SettingKey: String] = [.zoneName: "example.com", .name: "app.example.com"]
        do {
            _ = try SettingsResolver(flags: base.merging(flags) { $1 }, environment: ProcessEnvironment(env), file: nil).watch()
            return nil
        } catch {
            return error
        }
    }

    @Test func weightZeroIsRefusedForAMultivalueRecord() {
        let unhealthy = failure([.routing: "multivalue", .onUnhealthy: "weight-zero", .checkCmd: "true"])
        #expect(unhealthy?.kind == .usage)
        #expect(unhealthy?.message.contains("--on-unhealthy weight-zero") == true && unhealthy?.message.contains("--routing weighted") == true)
        let rebalance = failure([.onRebalance: "weight-zero"], env: ["R53HOOK_ROUTING": "multivalue"])
        #expect(rebalance?.kind == .configuration)
        #expect(rebalance?.message.contains("--on-rebalance weight-zero") == true)
    }

    @Test func leavingAndWeightedRecordsAreFine() {
        #expect(failure([.routing: "multivalue"]) == nil)  // the default weight-zero counts only with a health check
        #expect(failure([.routing: "multivalue", .onUnhealthy: "leave", .onRebalance: "leave"]) == nil)
        #expect(failure([.onUnhealthy: "weight-zero", .onRebalance: "weight-zero"]) == nil)
    }
}
