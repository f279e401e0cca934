import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// A lock's release is bounded: it comes after the body, often when the command's deadline is
/// already spent, and a release that kept retrying for each call's 20 s budget kept `stop` and
/// `sweep` running past their deadline in the crash campaign.
@Suite struct LockReleaseBudgetTests {
    @Test func aReleaseThatRoute53KeepsRefusingGivesUpWithinItsBudget() async throws {
        let harness = try DomainHarness()
        let lock = harness.fleetLock()
        let fake = harness.fake
        try await lock.withLock(owner: "i-me", lease: .seconds(30), waiting: .noWait, purpose: "test") {
            // From now on every change is refused as a temporary failure: the release's DELETE too.
            fake.inject("ChangeResourceRecordSets", Array(repeating: FakeRoute53.error(503, "ServiceUnavailable", "busy"), count: 200))
        }
        // The virtual clock also runs the holder's renewal timer, so the budget shows in what
        // the release's last call says: it was bounded by 5 s, not by each call's usual 20 s.
        let warning = harness.logs.messages.first { $0.contains("could not release lock") }
        #expect(warning?.contains("within 5 s") == true)
        #expect(warning?.contains("within the 5 s deadline") == true, "\(warning ?? "no warning")")
        // Left behind, to expire after its lease.
        #expect(harness.fake.records(in: "ZPUBLIC").contains { $0.type == "TXT" })
    }

    @Test func aReleaseThatSucceedsLeavesNoRecord() async throws {
        let harness = try DomainHarness()
        let lock = harness.fleetLock()
        let fake = harness.fake
        try await lock.withLock(owner: "i-me", lease: .seconds(30), waiting: .noWait, purpose: "test") {
            fake.inject("ChangeResourceRecordSets", [FakeRoute53.error(503, "ServiceUnavailable", "busy")])
        }
        #expect(!harness.fake.records(in: "ZPUBLIC").contains { $0.type == "TXT" })
        #expect(harness.logs.messages.contains { $0.contains("released lock") })
    }
}
