import AWSKit
import TestSupport
import Testing

@testable import R53HookKit

/// An acquiring CREATE that Route 53 applied but whose answer was lost: the record found later
/// with our token is renewed before the body runs (seed 20281 of the crash campaign ran two
/// holders' commands at once when it was trusted as it stood).
@Suite struct LockReclaimTests {
    @Test func aCreateWhoseAnswerWasLostIsRenewedBeforeTheBodyRuns() async throws {
        let harness = try DomainHarness()
        let lock = harness.fleetLock()
        harness.fake.loseAnswers(1)
        let fake = harness.fake
        let during = try await lock.withLock(owner: "i-me", lease: .seconds(30), waiting: .upTo(.seconds(60)), purpose: "test") {
            fake.records(in: "ZPUBLIC").filter { $0.type == "TXT" }.flatMap(\.values)
        }
        #expect(during.count == 1)
        #expect(during.first?.contains("seq=1") == true, "the body ran under the renewed value: \(during)")
        #expect(harness.logs.messages.contains { $0.contains("renewing it before trusting it") })
        #expect(!harness.fake.records(in: "ZPUBLIC").contains { $0.type == "TXT" })
    }
}
