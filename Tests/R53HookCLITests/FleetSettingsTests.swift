import AWSKit
import R53HookKit
import Testing

@testable import R53HookCLI

@Suite struct FleetSettingsTests {
    private func resolve(_ flags: [SettingKey: String], env: [String: String] = [:]) throws -> LeaveSettings {
        try SettingsResolver(flags: flags, environment: ProcessEnvironment(env), file: nil).leave()
    }

    private func join(_ flags: [SettingKey: String]) throws -> JoinSettings {
        try SettingsResolver(flags: flags, environment: ProcessEnvironment([:]), file: nil).join()
    }

    @Test func aLoadBalancerAloneIsEnoughToJoin() throws {
        let settings = try resolve([.elb: "web-lb"])
        #expect(settings.record == nil)
        #expect(settings.loadBalancer == .classic(name: "web-lb"))
        let group = try resolve([.targetGroup: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef", .targetPort: "8080"])
        #expect(group.loadBalancer == .targetGroup(arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef", port: 8080))
    }

    @Test func quorumOptionsBuildTheRule() throws {
        let settings = try resolve(
            [.elb: "web", .minHealthy: "4", .quorum: "0.67", .quorumInterval: "2", .quorumTimeout: "30"],
            env: ["R53HOOK_ON_NO_QUORUM": "fail"])
        #expect(settings.quorum?.rule == QuorumRule(minimumHealthy: 4, fraction: 0.67))
        #expect(settings.quorum?.interval == .seconds(2))
        #expect(settings.quorum?.timeout == .seconds(30))
        #expect(settings.quorum?.onNoQuorum == .fail)
        #expect(try resolve([.elb: "web"]).quorum == nil)
        #expect(try resolve([.elb: "web", .minHealthy: "0"]).quorum?.rule == QuorumRule(minimumHealthy: 0))
    }

    @Test(arguments: [
        ([SettingKey.elb: "web", .targetGroup: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/b"], "keep one"),
        ([.elb: "web lb"], "up to 32 letters"),
        ([.targetGroup: "web"], "target group ARN"),
        ([.elb: "web", .targetPort: "80"], "goes with --target-group"),
        ([.targetGroup: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/b", .targetPort: "0"], "between 1 and 65535"),
        ([.elb: "web", .quorum: "1.5"], "at most 1"),
        ([.elb: "web", .quorum: "0"], "above 0"),
        ([.elb: "web", .minHealthy: "-1"], "between 0"),
        ([.elb: "web", .minHealthy: "1", .quorumInterval: "0"], "between 1"),
        ([:], "nothing to join"),
        ([.elb: "web", .name: "app.example.com"], "no hosted zone for the record"),
    ])
    func refusesBadFleetOptions(_ flags: [SettingKey: String], _ expected: String) {
        do {
            _ = try resolve(flags)
            _ = try join(flags)
            Issue.record("expected a refusal containing \(expected)")
        } catch let error as SettingsError {
            #expect(error.kind == .usage)
            #expect(error.message.contains(expected), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
