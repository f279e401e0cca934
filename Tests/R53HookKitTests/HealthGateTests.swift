import AWSKit
import R53HookKit
import Testing

/// The local health gate: no serving before the first pass, rise and fall damp flapping, and the
/// policy turns a failing gate into weight 0 or a leave, never over AWS's own signals.
@Suite struct HealthGateTests {
    @Test func theFirstPassMakesItHealthyAndFailuresCountOnlyInARow() {
        var gate = HealthGate(rise: 2, fall: 3)
        #expect(gate.record(passed: false) == nil)
        #expect(gate.state == .unknown)
        #expect(gate.record(passed: true) == .healthy)
        #expect(gate.record(passed: false) == nil)
        #expect(gate.record(passed: false) == nil)
        #expect(gate.record(passed: true) == nil, "a pass resets the failures")
        #expect(gate.record(passed: false) == nil)
        #expect(gate.record(passed: false) == nil)
        #expect(gate.record(passed: false) == .unhealthy)
        #expect(gate.record(passed: true) == nil)
        #expect(gate.record(passed: false) == nil, "a failure resets the passes")
        #expect(gate.record(passed: true) == nil)
        #expect(gate.record(passed: true) == .healthy)
    }

    @Test func thePolicyHoldsBackJoinsAndAppliesOnUnhealthy() {
        let now = UnixTime(seconds: 1_795_000_000)
        let quiet = InstanceSignals()
        let zero = WatchPolicy(onUnhealthy: .weightZero)
        #expect(zero.verdict(for: quiet, now: now, previous: nil, health: .unknown).isOut)
        #expect(zero.verdict(for: quiet, now: now, previous: nil, health: .healthy) == .serve)
        #expect(zero.verdict(for: quiet, now: now, previous: nil, health: .unhealthy) == .serveAtWeightZero(reason: "the local health check fails"))
        let leave = WatchPolicy(onUnhealthy: .leave)
        #expect(leave.verdict(for: quiet, now: now, previous: nil, health: .unhealthy) == .stayOut(reason: "the local health check fails", final: false))
        // AWS's signals win: a healthy but terminating instance leaves.
        let terminated = zero.verdict(for: InstanceSignals(lifecycleState: "Terminated"), now: now, previous: nil, health: .healthy)
        #expect(terminated.isFinal)
    }
}
