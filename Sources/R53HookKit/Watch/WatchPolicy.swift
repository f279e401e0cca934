import AWSKit

/// Decides where the instance should be from what IMDS says and the time: a pure function, so
/// every event's rule is tested without IMDS, Route 53 or a clock. The driver (`InstanceWatch`)
/// acts on the verdict.
///
/// In order of precedence: a spot interruption (out at once, no quorum, drain cut to the
/// notice's time); Auto Scaling's `Terminated` (out for good); an active maintenance event whose
/// `NotBefore` is less than `eventLead` away (out until it is canceled or completed); `Warmed:*`
/// (never in: a warm pool instance is not serving); `Standby` and `Detached` (out until
/// `InService` again); a rebalance recommendation (`onRebalance`); otherwise in.
package struct WatchPolicy: Sendable, Equatable {
    /// How long before an event's `NotBefore` to leave.
    package var eventLead: Duration
    /// What a rebalance recommendation does.
    package var onRebalance: RebalanceAction
    /// What a failing local health check does.
    package var onUnhealthy: UnhealthyAction

    /// Creates a policy.
    package init(eventLead: Duration = .seconds(600), onRebalance: RebalanceAction = .log, onUnhealthy: UnhealthyAction = .weightZero) {
        self.eventLead = eventLead
        self.onRebalance = onRebalance
        self.onUnhealthy = onUnhealthy
    }

    /// The verdict for these signals at `now`. A final verdict stays, whatever IMDS says later
    /// (a spot notice that vanished does not make the instance safe to serve).
    /// `health` is the local health gate's state (`healthy` without a gate): before its first
    /// pass the instance does not join; failing, `onUnhealthy` applies. AWS's signals come first.
    package func verdict(
        for signals: InstanceSignals, now: UnixTime, previous: WatchVerdict?, health: HealthGate.State = .healthy
    ) -> WatchVerdict {
        let verdict = awsVerdict(for: signals, now: now, previous: previous)
        guard !verdict.isOut else { return verdict }
        switch health {
        case .healthy: return verdict
        case .unknown: return .stayOut(reason: "waiting for the first passing local health check", final: false)
        case .unhealthy:
            switch onUnhealthy {
            case .weightZero: return .serveAtWeightZero(reason: "the local health check fails")
            case .leave: return .stayOut(reason: "the local health check fails", final: false)
            }
        }
    }

    private func awsVerdict(for signals: InstanceSignals, now: UnixTime, previous: WatchVerdict?) -> WatchVerdict {
        if let previous, previous.isFinal { return previous }
        if let spot = signals.spot {
            return .leaveUrgently(reason: "spot interruption notice (\(spot.action) at \(spot.time))", goneBy: spot.time)
        }
        if let state = signals.lifecycleState {
            if state == "Terminated" || state.hasPrefix("Terminating") {
                return .stayOut(reason: "Auto Scaling is terminating this instance (target-lifecycle-state \(state))", final: true)
            }
        }
        let lead = eventLead.seconds
        if let event = signals.maintenance.filter({ $0.isActive && $0.notBefore.seconds - lead <= now.seconds })
            .min(by: { $0.notBefore < $1.notBefore })
        {
            return .stayOut(reason: "scheduled event \(event.code) \(event.eventId) not before \(event.notBefore)", final: false)
        }
        if let state = signals.lifecycleState {
            if state.hasPrefix("Warmed:") {
                return .stayOut(reason: "in the Auto Scaling warm pool (target-lifecycle-state \(state)); a warm instance never serves", final: false)
            }
            if state == "Standby" || state == "Detached" {
                return .stayOut(reason: "target-lifecycle-state \(state); out until InService again", final: false)
            }
        }
        if let notice = signals.rebalanceNotice {
            switch onRebalance {
            case .log: break
            case .weightZero: return .serveAtWeightZero(reason: "rebalance recommended at \(notice)")
            case .leave: return .stayOut(reason: "rebalance recommended at \(notice)", final: false)
            }
        }
        return .serve
    }
}
