/// One overall time limit for a whole command: every wait and retry stops when it is reached.
package struct Deadline: Sendable {
    /// The monotonic instant at which time is up.
    package let expiry: Duration
    /// How long the deadline was when it was set, for messages.
    package let budget: Duration

    /// A deadline `budget` from now on the given time source.
    package init(budget: Duration, time: some TimeSource) {
        self.budget = budget
        self.expiry = time.monotonicNow + budget
    }

    /// The time left, never negative.
    package func remaining(_ time: some TimeSource) -> Duration {
        let left = expiry - time.monotonicNow
        return left > .zero ? left : .zero
    }

    /// Whether the deadline has passed.
    package func hasPassed(_ time: some TimeSource) -> Bool {
        remaining(time) == .zero
    }
}
