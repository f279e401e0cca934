import AWSKit
import Logging

/// Waits until a change is INSYNC (on every Route 53 name server), polling GetChange on the
/// caller's `InSyncPollSchedule`: often when the moment of INSYNC matters (stop's drain counts
/// from it), rarely when only the outcome does (start), since every poll spends the account's
/// shared Route 53 rate.
package struct ChangeWaiter: Sendable {
    private let route53: Route53Client
    private let time: any TimeSource
    private let deadline: Deadline
    private let logger: Logger

    /// Creates a waiter bound to the command's deadline.
    package init(route53: Route53Client, time: any TimeSource, deadline: Deadline, logger: Logger) {
        self.route53 = route53
        self.time = time
        self.deadline = deadline
        self.logger = logger
    }

    /// A throttled prompt poll is tried again within 2 s, not after the usual backoff of up to
    /// 20 s: the drain counts from the INSYNC it sees, and the rate limiter already spaces the
    /// process's requests when Route 53 is busy. In a scale-in of 50 the long backoff left stops
    /// up to 56 s behind their INSYNC.
    static let promptRetries = RetryPolicy(baseDelay: .milliseconds(250), maximumDelay: .seconds(2))

    /// How long before the deadline the last poll is sent: time for one answer (the client's own
    /// last try also starts a second before the deadline).
    static let lastPollLead = Duration.seconds(1)

    /// Returns once the change is INSYNC; throws a temporary error when the deadline passes first.
    @discardableResult
    package func waitUntilInSync(_ change: ChangeInfo, schedule: InSyncPollSchedule = .prompt) async throws -> Duration {
        let started = time.monotonicNow
        // A prompt poll does not queue behind the rate limit that earlier reads slowed down.
        let poller =
            schedule == .prompt
            ? route53.with(deadline: deadline, retryPolicy: Self.promptRetries).withoutWaitingForRateLimit() : route53
        var status = change.status
        var lastReport = started
        var polled = false
        while status != .inSync {
            // A pause that would end past the deadline is cut so that one last poll is sent
            // `lastPollLead` before it: cut to the deadline itself, a start whose change was
            // accepted with 9 s left slept them all after its 1 s poll and exited 75 without
            // asking again (the crash campaign's seeds 20079, 20096, 20109).
            let left = deadline.remaining(time)
            guard left > .zero, !polled || left > Self.lastPollLead else {
                throw DomainError(
                    .changeNotInSync,
                    "change \(change.id) is still \(status.rawValue) after \((time.monotonicNow - started).wholeSecondsText) and the \(deadline.budget.wholeSecondsText) deadline is up; Route 53 normally applies changes within 60 s",
                    remedies: [.raise(.deadline)]
                )
            }
            let pause = schedule.pause(after: time.monotonicNow - started, busy: await route53.isThrottled())
            try await time.sleep(for: max(.zero, min(pause, left - Self.lastPollLead)))
            polled = true
            status = try await poller.change(id: change.id).status
            if time.monotonicNow - lastReport >= .seconds(10), status != .inSync {
                lastReport = time.monotonicNow
                logger.info("waiting for Route 53 to apply change \(change.id) on all name servers (\(status.rawValue), \((time.monotonicNow - started).wholeSecondsText))")
            }
        }
        let waited = time.monotonicNow - started
        logger.info("change \(change.id) is INSYNC after \(waited.preciseText)")
        return waited
    }
}
