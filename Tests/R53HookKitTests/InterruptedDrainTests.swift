import AWSKit
import R53HookKit
import Testing

/// The rest of a normal leave's drain after a spot notice interrupted it: a whole drain when
/// EC2's time (minus the margin) allows it, else cut there, never negative.
@Suite struct InterruptedDrainTests {
    private let now = UnixTime(seconds: 1_800_000_000)

    @Test func aDrainThatEndsBeforeTheCutIsWaitedWhole() {
        let rest = InterruptedDrain(fullDrain: .seconds(65), now: now, cutAt: now.adding(seconds: 100))
        #expect(rest.wait == .seconds(65))
        #expect(!rest.isCut)
    }

    @Test func aDrainThatWouldOutlastTheCutEndsThere() {
        let rest = InterruptedDrain(fullDrain: .seconds(65), now: now, cutAt: now.adding(seconds: 18))
        #expect(rest.wait == .seconds(18))
        #expect(rest.isCut)
    }

    @Test func aCutAlreadyPassedWaitsNothing() {
        let rest = InterruptedDrain(fullDrain: .seconds(65), now: now, cutAt: now.adding(seconds: -3))
        #expect(rest.wait == .zero)
        #expect(rest.isCut)
    }

    @Test func theCutIsKeptToTheMillisecond() {
        let rest = InterruptedDrain(fullDrain: .seconds(65), now: now, cutAt: now.adding(seconds: 7.25))
        #expect(rest.wait == .milliseconds(7250))
    }
}
