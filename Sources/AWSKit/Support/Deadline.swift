/// One overall time limit for a whole command: every wait and retry stops when it is reached.
public struct Deadline: Sendable {
    /// The monotonic instant at which time is up.
    public let expiry: Duration
    /// How long the deadline was when it was set, for messages.
    public let budget: Duration

    /// A deadline `budget` from now on the given time source.
    public init(budget: Duration, time: some TimeSource) {
        self.budget = budget
        self.expiry = time.monotonicNow + budget
    }

    /// The time left, never negative.
    public func remaining(_ time: some TimeSource) -> Duration {
        let left = expiry - time.monotonicNow
        return left > .zero ? left : .zero
    }

    /// Whether the deadline has passed.
    public func hasPassed(_ time: some TimeSource) -> Bool {
        remaining(time) == .zero
    }
}
