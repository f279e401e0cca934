import AWSKit
import Logging

/// Waits out a drain (the TTL of a deleted record plus a margin) so clients holding the cached
/// address can finish, reporting the time left every 10 seconds. It sleeps to a fixed end on the
/// monotonic clock, so progress lines never add to the total.
package struct DrainTimer: Sendable {
    private let time: any TimeSource
    private let logger: Logger
    private let reportEvery: Duration

    /// Creates a timer.
    package init(time: any TimeSource, logger: Logger, reportEvery: Duration = .seconds(10)) {
        self.time = time
        self.logger = logger
        self.reportEvery = reportEvery
    }

    /// Sleeps `ttl + extra`, logging the countdown.
    package func drain(ttl: Duration, extra: Duration) async throws {
        let total = ttl + extra
        let end = time.monotonicNow + total
        logger.info("draining for \(total.wholeSecondsText) (TTL \(ttl.wholeSecondsText) + \(extra.wholeSecondsText) extra) so clients holding the cached address finish")
        while true {
            let left = end - time.monotonicNow
            guard left > .zero else { break }
            // Sleep to the next multiple of the report interval, counted from the end.
            let partial = Duration.milliseconds(left.wholeMilliseconds % reportEvery.wholeMilliseconds)
            try await time.sleep(for: partial > .zero ? partial : min(reportEvery, left))
            let remaining = end - time.monotonicNow
            if remaining > .milliseconds(500) {
                logger.info("draining: \(remaining.wholeSecondsText) left")
            }
        }
        logger.info("drain complete")
    }
}
