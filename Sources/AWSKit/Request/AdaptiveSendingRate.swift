#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How fast one process may send requests to one service: a token bucket whose fill rate
/// follows the throttles the service answers, the idea of the AWS SDKs' "adaptive" retry mode.
///
/// It stays out of the way (no waiting at all) until the first throttle. A throttle cuts the
/// rate to `backoff` (70 %) of what was being sent; each success then lets it grow again along
/// a cubic curve (as TCP CUBIC does) that is flat near the rate that was throttled and steep
/// away from it, never more than twice the rate actually measured. Route 53 allows about
/// 5 requests/s for the whole account, so with a fleet of processes each one settles near its
/// share instead of all of them retrying at once.
///
/// A pure value: times are seconds on any monotonic clock, so tests drive it exactly.
package struct AdaptiveSendingRate: Sendable, Equatable {
    /// The constants of the curve.
    package struct Tuning: Sendable, Equatable {
        /// The share of the throttled rate kept after a throttle.
        package var backoff = 0.7
        /// How steeply the rate grows back (requests/s per s³).
        package var growth = 0.4
        /// The weight of the newest half-second in the measured rate.
        package var smoothing = 0.8
        /// Never slower than this (requests/s): one request every 2 s at worst, as the SDKs.
        /// Lower floors were tried on a simulated storm of 100 processes (the unit test's):
        /// 0.25/s and 0.1/s drew a few fewer throttles but ended the storm 22 % and 91 % later,
        /// since a process that slowed down that far recovers only as fast as it sends.
        package var minimumRate = 0.5
        /// The most tokens the bucket holds at low rates (a burst of one).
        package var minimumCapacity = 1.0

        /// The SDKs' constants.
        package init() {}
    }

    private let tuning: Tuning
    /// Whether a throttle has been seen; before that, nothing waits.
    package private(set) var isEngaged = false
    /// Tokens added per second.
    package private(set) var fillRate: Double
    /// Tokens now; below zero when requests have reserved tokens not yet added.
    private var tokens = 0.0
    private var capacity: Double
    private var lastRefill: Double?
    /// Requests per second actually sent, smoothed over half-second buckets.
    package private(set) var measuredRate = 0.0
    private var bucketStart: Double?
    private var requestsInBucket = 0
    /// The rate that was throttled last, and when.
    private var throttledRate = 0.0
    private var lastThrottle = 0.0
    /// Seconds after a throttle when the curve is back at `throttledRate`.
    private var recoveryTime = 0.0

    /// Starts disengaged.
    package init(tuning: Tuning = Tuning()) {
        self.tuning = tuning
        fillRate = tuning.minimumRate
        capacity = tuning.minimumCapacity
    }

    /// Takes a token for a request about to be sent at `now`; returns how many seconds to wait
    /// first (0 while disengaged or when a token is there). The token is taken either way, so
    /// requests of one process queue up behind each other instead of all waking at once.
    package mutating func reserve(at now: Double) -> Double {
        guard isEngaged else { return 0 }
        refill(at: now)
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / fillRate
    }

    /// Learns from an answer received at `now`: a throttle or any other answer.
    package mutating func record(throttled: Bool, at now: Double) {
        measure(at: now)
        let target: Double
        if throttled {
            throttledRate = isEngaged ? min(measuredRate, fillRate) : measuredRate
            recoveryTime = cbrt(throttledRate * (1 - tuning.backoff) / tuning.growth)
            lastThrottle = now
            isEngaged = true
            target = throttledRate * tuning.backoff
        } else {
            guard isEngaged else { return }
            let since = now - lastThrottle - recoveryTime
            target = tuning.growth * since * since * since + throttledRate
        }
        setRate(min(target, 2 * measuredRate), at: now)
    }

    private mutating func refill(at now: Double) {
        if let lastRefill {
            tokens = min(capacity, tokens + max(0, now - lastRefill) * fillRate)
        }
        lastRefill = now
    }

    private mutating func setRate(_ rate: Double, at now: Double) {
        refill(at: now)
        fillRate = max(rate, tuning.minimumRate)
        capacity = max(rate, tuning.minimumCapacity)
        tokens = min(tokens, capacity)
    }

    /// Counts the request in its half-second bucket; a finished bucket updates the measured rate.
    private mutating func measure(at now: Double) {
        let bucket = (now * 2).rounded(.down) / 2
        requestsInBucket += 1
        guard let start = bucketStart else {
            bucketStart = bucket
            return
        }
        if bucket > start {
            let rate = Double(requestsInBucket) / (bucket - start)
            measuredRate = rate * tuning.smoothing + measuredRate * (1 - tuning.smoothing)
            requestsInBucket = 0
            bucketStart = bucket
        }
    }
}
