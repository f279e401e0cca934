import AWSKit
import R53HookKit
import Testing

@testable import R53HookCLI

/// The dry-run plan becomes words only here: the waits read as before the plan was typed.
struct DryRunOutputTests {
    @Test func theWaitsOfARecordPlanReadAsOperatorsKnowThem() {
        let zone = HostedZone(id: "Z1", name: "example.com.", isPrivate: false)
        let plan = WeightedRecordPlan(
            zone: zone, changes: [], waits: [.inSync(deadline: .seconds(300)), .drain(ttl: .seconds(45), extra: .seconds(5))])
        let lines = DryRunOutput.text(plan).split(separator: "\n").map(String.init)
        #expect(lines.first == "hosted zone: example.com. Z1 (public)")
        #expect(lines.contains("no change needed"))
        #expect(lines.contains("then: wait until Route 53 reports the change INSYNC (up to the 300 s deadline)"))
        #expect(lines.contains("then: drain 50 s (the record's TTL 45 s + 5 s extra)"))
    }
}
