/// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and
/// Jitter"): before retry n, sleep a uniformly random time between 0 and min(cap, base × 2ⁿ).
/// By default there is no attempt limit: the command's deadline bounds the retries.
package struct RetryPolicy: Sendable {
    /// The first retry's upper bound.
    package var baseDelay: Duration
    /// No single sleep is longer than this.
    package var maximumDelay: Duration
    /// A number in [0, 1) (1 for no jitter); injectable so tests are deterministic.
    package var random: @Sendable () -> Double
    /// At most this many retries (nil: until the deadline); 0 for callers that poll anyway.
    package var maximumRetries: Int?

    /// Creates a policy; the defaults suit Route 53's 5 requests/s account limit.
    package init(
        baseDelay: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(20), maximumRetries: Int? = nil,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumRetries = maximumRetries
        self.random = random
    }

    /// Backoff without jitter: before retry n, exactly min(cap, base × 2ⁿ⁻¹). For an endpoint
    /// that only this machine calls (IMDS, the container credentials agent), where there is no
    /// fleet of callers to spread out.
    package static func withoutJitter(baseDelay: Duration, maximumDelay: Duration, maximumRetries: Int) -> RetryPolicy {
        RetryPolicy(baseDelay: baseDelay, maximumDelay: maximumDelay, maximumRetries: maximumRetries, random: { 1 })
    }

    /// Whether retry number `retry` (1 for the first retry) may be made.
    package func allows(retry: Int) -> Bool {
        maximumRetries.map { retry <= $0 } ?? true
    }

    /// The sleep before retry number `retry` (1 for the first retry).
    package func delay(beforeRetry retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let ceiling = min(maximumDelay.seconds, baseDelay.seconds * Double(1 << exponent))
        return .milliseconds(Int64((ceiling * random() * 1000).rounded(.down)))
    }
}
