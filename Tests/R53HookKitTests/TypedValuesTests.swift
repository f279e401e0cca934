import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// Values AWS sends as words are kept as typed values and compared exactly, never searched in
/// text meant for people.
@Suite struct TypedValuesTests {
    private func target(_ state: String, _ reason: String) -> FleetMember? {
        let xml = "<member><Target><Id>i-1</Id></Target><TargetHealth><State>\(state)</State><Reason>\(reason)</Reason></TargetHealth></member>"
        return XMLElementBuilder.parse(xml).flatMap(TargetGroup.member(from:))
    }

    @Test func aTargetsReasonCodeIsKeptApartFromItsWords() {
        #expect(target("unused", "Target.NotRegistered")?.reason == TargetGroup.notRegistered)
        #expect(target("unused", "Target.NotInUse")?.reason == "Target.NotInUse")
        #expect(target("healthy", "")?.reason == nil)
    }

    @Test func instanceStatesCompareByName() {
        #expect(InstanceState(rawValue: "terminated") == .terminated)
        #expect(InstanceState(rawValue: "shutting-down") == .shuttingDown)
        // A state EC2 may add later is kept, and is not taken for terminated.
        #expect(InstanceState(rawValue: "hibernating") != .terminated)
        #expect(InstanceState.stopped.description == "stopped")
    }
}
