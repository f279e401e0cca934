/// The client-side rate limit every request of one process goes through: one
/// `AdaptiveSendingRate` per service and region (Route 53 throttles per account, EC2 and the
/// load balancers per region), shared by every copy of the `AWSClient`, so that the retries
/// and polls of one process slow down together when the service says it is busy.
package actor AdaptiveRateLimiter {
    private let time: any TimeSource
    private let tuning: AdaptiveSendingRate.Tuning
    private var rates: [String: AdaptiveSendingRate] = [:]

    /// Creates a limiter with no throttle seen yet.
    package init(time: any TimeSource, tuning: AdaptiveSendingRate.Tuning = AdaptiveSendingRate.Tuning()) {
        self.time = time
        self.tuning = tuning
    }

    /// Takes a token for a request to `service`; returns how long to wait before sending it.
    package func reserve(for service: AWSService) -> Duration {
        let seconds = rates[Self.key(service), default: AdaptiveSendingRate(tuning: tuning)].reserve(at: now)
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// Learns from an answer of `service`.
    package func record(throttled: Bool, from service: AWSService) {
        rates[Self.key(service), default: AdaptiveSendingRate(tuning: tuning)].record(throttled: throttled, at: now)
    }

    /// Whether `service` has throttled this process: the account is busy, and a request that
    /// can wait (an early poll) is better not sent.
    package func isEngaged(for service: AWSService) -> Bool {
        rates[Self.key(service)]?.isEngaged ?? false
    }

    private var now: Double { time.monotonicNow.seconds }

    private static func key(_ service: AWSService) -> String {
        "\(service.signingName) \(service.region)"
    }
}
