import AWSKit
import Logging

/// Waits until a change is INSYNC (on every Route 53 name server), polling GetChange: every
/// half second at first, so a quick change costs at most half a second of waiting, then less
/// often (up to every 5 s) to stay well under the account's shared rate limit.
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

    /// The pause before poll number `poll` (1 for the first).
    package static func interval(beforePoll poll: Int) -> Duration {
        switch poll {
        case ...10: return .milliseconds(500)
        case 11...30: return .seconds(1)
        case 31...50: return .seconds(2)
        default: return .seconds(5)
        }
    }

    /// Returns once the change is INSYNC; throws a temporary error when the deadline passes first.
    @discardableResult
    package func waitUntilInSync(_ change: ChangeInfo) async throws -> Duration {
        let started = time.monotonicNow
        var status = change.status
        var poll = 0
        var lastReport = started
        while status != .inSync {
            poll += 1
            // The last pause is cut to the deadline, and a poll needs time left to be sent.
            try await time.sleep(for: min(Self.interval(beforePoll: poll), deadline.remaining(time)))
            guard deadline.remaining(time) > .zero else {
                throw DomainError(
                    .changeNotInSync,
                    "change \(change.id) is still \(status.rawValue) after \((time.monotonicNow - started).wholeSecondsText) and the \(deadline.budget.wholeSecondsText) deadline is up; Route 53 normally applies changes within 60 s",
                    remedies: [.raise(.deadline)]
                )
            }
            status = try await route53.change(id: change.id).status
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
