import AWSKit
import R53HookKit
import Testing

/// Each event's rule, from IMDS's signals and the time to a verdict, without any I/O.
@Suite struct WatchPolicyTests {
    private let now = UnixTime(seconds: 1_795_000_000)
    private let policy = WatchPolicy(eventLead: .seconds(600), onRebalance: .log)

    private func event(_ state: String, inSeconds: Double, code: String = "system-reboot") -> MaintenanceEvent {
        MaintenanceEvent(code: code, eventId: "instance-event-0abc", notBefore: now.adding(seconds: inSeconds), state: state)
    }

    @Test func aQuietInstanceServes() {
        #expect(policy.verdict(for: InstanceSignals(), now: now, previous: nil) == .serve)
        #expect(policy.verdict(for: InstanceSignals(lifecycleState: "InService"), now: now, previous: nil) == .serve)
    }

    @Test func aSpotNoticeLeavesAtOnceByItsTimeAndForGood() {
        let spot = SpotInterruption(action: "terminate", time: now.adding(seconds: 120))
        let verdict = policy.verdict(for: InstanceSignals(spot: spot), now: now, previous: .serve)
        guard case .leaveUrgently(_, let goneBy) = verdict else {
            Issue.record("expected an urgent leave, got \(verdict)")
            return
        }
        #expect(goneBy == spot.time)
        // The notice vanishing (or Auto Scaling saying InService) does not bring it back.
        #expect(policy.verdict(for: InstanceSignals(lifecycleState: "InService"), now: now, previous: verdict) == verdict)
    }

    @Test func aSpotNoticeOutranksEveryOtherSignal() {
        let spot = SpotInterruption(action: "stop", time: now.adding(seconds: 120))
        let signals = InstanceSignals(spot: spot, lifecycleState: "Warmed:Running", rebalanceNotice: "x", maintenance: [event("active", inSeconds: 0)])
        guard case .leaveUrgently = policy.verdict(for: signals, now: now, previous: nil) else {
            Issue.record("the spot notice must win")
            return
        }
    }

    @Test func terminatedLeavesWithTheQuorumAndForGood() {
        let verdict = policy.verdict(for: InstanceSignals(lifecycleState: "Terminated"), now: now, previous: .serve)
        #expect(verdict.isOut && verdict.isFinal)
        guard case .stayOut = verdict else {
            Issue.record("Terminated is an ordinary leave (quorum as configured), got \(verdict)")
            return
        }
        #expect(policy.verdict(for: InstanceSignals(lifecycleState: "InService"), now: now, previous: verdict) == verdict)
    }

    @Test(arguments: ["Warmed:Running", "Warmed:Stopped", "Warmed:Hibernated", "Warmed:Terminated", "Standby", "Detached"])
    func warmStandbyAndDetachedStayOutUntilInService(_ state: String) {
        let verdict = policy.verdict(for: InstanceSignals(lifecycleState: state), now: now, previous: nil)
        #expect(verdict.isOut)
        #expect(!verdict.isFinal)
        #expect(policy.verdict(for: InstanceSignals(lifecycleState: "InService"), now: now, previous: verdict) == .serve)
    }

    @Test func aMaintenanceEventTakesTheInstanceOutOnlyWithinTheLead() {
        #expect(policy.verdict(for: InstanceSignals(maintenance: [event("active", inSeconds: 601)]), now: now, previous: nil) == .serve)
        let out = policy.verdict(for: InstanceSignals(maintenance: [event("active", inSeconds: 600)]), now: now, previous: nil)
        #expect(out.isOut && !out.isFinal)
        // Canceled, or a reboot completed while the instance is still up: back in.
        for state in ["canceled", "completed"] {
            #expect(policy.verdict(for: InstanceSignals(maintenance: [event(state, inSeconds: -60)]), now: now, previous: out) == .serve)
        }
    }

    @Test func aRebalanceRecommendationDoesWhatOnRebalanceSays() {
        let signals = InstanceSignals(rebalanceNotice: "2026-11-29T05:00:00Z")
        #expect(WatchPolicy(onRebalance: .log).verdict(for: signals, now: now, previous: nil) == .serve)
        #expect(WatchPolicy(onRebalance: .weightZero).verdict(for: signals, now: now, previous: nil) == .serveAtWeightZero(reason: "rebalance recommended at 2026-11-29T05:00:00Z"))
        let leave = WatchPolicy(onRebalance: .leave).verdict(for: signals, now: now, previous: nil)
        #expect(leave.isOut && !leave.isFinal)
        #expect(WatchPolicy(onRebalance: .leave).verdict(for: InstanceSignals(), now: now, previous: leave) == .serve)
    }
}
