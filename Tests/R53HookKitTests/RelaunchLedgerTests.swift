import Testing

@testable import R53HookKit

/// Out of Standby (or back to the warm pool) the instance launches again, with a new action of
/// the same hook into the same target state: the ledger forgets a launch once the instance has
/// left its state, so the new action is answered too, still once.
@Suite struct RelaunchLedgerTests {
    @Test func aLaunchIsForgottenOnceItsStateIsLeftAndOnlyThen() {
        let memo = MemoryMemo()
        let ledger = CompletionLedger(memo: memo)
        ledger.markDone(group: "web tier", hook: "warmup", instanceId: "i-1", round: "InService")
        ledger.markDone(group: "web tier", hook: "drain", instanceId: "i-1", round: "Terminated")
        ledger.markDone(group: "web tier", hook: "warmup", instanceId: "i-2", round: "InService")
        // Still InService: nothing forgotten.
        ledger.forget(group: "web tier", instanceId: "i-1") { $0 != "InService" && $0 != "Terminated" }
        #expect(ledger.isDone(group: "web tier", hook: "warmup", instanceId: "i-1", round: "InService"))
        // Standby: the launch into InService is forgotten, on disk too; the rest stays.
        ledger.forget(group: "web tier", instanceId: "i-1") { $0 != "Standby" && $0 != "Terminated" }
        let reread = CompletionLedger(memo: memo)
        #expect(!reread.isDone(group: "web tier", hook: "warmup", instanceId: "i-1", round: "InService"))
        #expect(reread.isDone(group: "web tier", hook: "drain", instanceId: "i-1", round: "Terminated"))
        #expect(reread.isDone(group: "web tier", hook: "warmup", instanceId: "i-2", round: "InService"))
    }
}
