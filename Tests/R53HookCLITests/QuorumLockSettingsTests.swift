import AWSKit
import R53HookKit
import Testing

@testable import R53HookCLI

@Suite struct QuorumLockSettingsTests {
    private func resolve(_ flags: [SettingKey: String]) throws -> LeaveSettings {
        try SettingsResolver(flags: flags, environment: ProcessEnvironment([:]), file: nil).leave()
    }

    @Test func theRecordsZoneHoldsTheQuorumLock() throws {
        let settings = try resolve([.zoneName: "example.com", .name: "app.example.com", .minHealthy: "2"])
        #expect(settings.quorum?.lockZone == .name("example.com.", isPrivate: nil))
    }

    @Test func aLoadBalancerAloneTakesAZoneWithoutARecordName() throws {
        let settings = try resolve([.elb: "web", .zoneId: "Z0ABC", .quorum: "0.5"])
        #expect(settings.record == nil)
        #expect(settings.quorum?.lockZone == .id("Z0ABC"))
        #expect(try resolve([.elb: "web", .quorum: "0.5"]).quorum?.lockZone == nil)
    }

    @Test func theLockCanBeTurnedOffAndIsOnlyForQuorums() throws {
        #expect(try resolve([.elb: "web", .zoneId: "Z0ABC", .quorum: "0.5", .quorumLock: "false"]).quorum?.lockZone == nil)
        #expect(try resolve([.elb: "web", .zoneId: "Z0ABC"]).quorum?.lockZone == nil)
    }
}
