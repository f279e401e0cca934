import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// A spot notice that interrupts a launch answers its lifecycle action with ABANDON exactly
/// once: the ledger keeps it under the launch's target state, so neither a second abandon nor a
/// later CONTINUE (a restarted watch that joins) sends another completion.
@Suite struct LaunchAbandonTests {
    @Test func anInterruptedLaunchIsAbandonedOnceAndNeverContinuedAfter() async throws {
        let http = ScriptedHTTPClient { request, _ in
            LifecycleActionsFixture.body(request).contains("Action=DescribeLifecycleHooks")
                ? .status(200, LifecycleActionsFixture.hooks(defaultResult: "CONTINUE"))
                : .status(200, LifecycleActionsFixture.completed)
        }
        let memo = MemoryMemo()
        let logs = LogCapture()
        try await LifecycleActionsFixture.actions(http, memo: memo, logs: logs).abandonLaunch(into: "InService", because: "a spot notice")
        // The same watch again, and a restarted one (a new ledger read from the same memo).
        try await LifecycleActionsFixture.actions(http, memo: memo, logs: logs).abandonLaunch(into: "InService", because: "a spot notice")
        try await LifecycleActionsFixture.actions(http, memo: memo, logs: logs).launched(into: "InService")
        let completions = http.requests.map(LifecycleActionsFixture.body).filter { $0.contains("Action=CompleteLifecycleAction") }
        #expect(completions.count == 1)
        #expect(completions.first?.contains("LifecycleActionResult=ABANDON") == true)
        #expect(completions.first?.contains("LifecycleHookName=warmup") == true)
        #expect(logs.messages.contains { $0.contains("lifecycle action warmup of web completed: ABANDON (a spot notice)") })
    }
}
