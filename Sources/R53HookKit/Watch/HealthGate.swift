/// The local health gate's memory: consecutive passes and failures damped by rise and fall, as
/// load balancers do it. Pure: the driver feeds it each check's result and acts on the changes.
/// Until the first pass the state is `unknown` and the instance does not join.
package struct HealthGate: Sendable, Equatable {
    /// What the checks say.
    package enum State: Sendable, Equatable {
        /// No check has passed since the start.
        case unknown
        /// Serving is fine.
        case healthy
        /// `fall` checks in a row failed.
        case unhealthy
    }

    /// Passes in a row that make an unhealthy instance healthy again.
    package let rise: Int
    /// Failures in a row that make a healthy instance unhealthy.
    package let fall: Int
    /// The current state.
    package private(set) var state = State.unknown
    private var passes = 0
    private var failures = 0

    /// Creates a gate in `unknown`.
    package init(rise: Int, fall: Int) {
        self.rise = max(1, rise)
        self.fall = max(1, fall)
    }

    /// Records one check; returns the new state when it changed.
    package mutating func record(passed: Bool) -> State? {
        if passed {
            passes += 1
            failures = 0
        } else {
            failures += 1
            passes = 0
        }
        let next: State
        switch state {
        case .unknown: next = passed ? .healthy : .unknown
        case .healthy: next = failures >= fall ? .unhealthy : .healthy
        case .unhealthy: next = passes >= rise ? .healthy : .unhealthy
        }
        guard next != state else { return nil }
        state = next
        return next
    }
}
