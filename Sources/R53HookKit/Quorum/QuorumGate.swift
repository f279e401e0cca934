import AWSKit
import Logging

/// Checks the quorum before leaving, and re-checks every interval until the timeout, saying
/// each time what it sees.
package struct QuorumGate: Sendable {
    /// One source of members to check (a load balancer, the weighted record set).
    package struct Check: Sendable {
        /// What it is, for messages.
        package let name: String
        /// This instance's id among the members (instance id, or set identifier for DNS).
        package let leaving: String
        /// Reads the members now.
        package let members: @Sendable () async throws -> [FleetMember]

        /// Creates a check.
        package init(name: String, leaving: String, members: @escaping @Sendable () async throws -> [FleetMember]) {
            self.name = name
            self.leaving = leaving
            self.members = members
        }
    }

    private let rule: QuorumRule
    private let time: any TimeSource
    private let logger: Logger

    /// Creates a gate for a rule.
    package init(rule: QuorumRule, time: any TimeSource, logger: Logger) {
        self.rule = rule
        self.time = time
        self.logger = logger
    }

    /// True once every check allows this instance to leave; false when `timeout` passes first.
    package func waitForQuorum(_ checks: [Check], interval: Duration, timeout: Duration) async throws -> Bool {
        let started = time.monotonicNow
        while true {
            var blocked: [String] = []
            for check in checks {
                let verdict = rule.evaluate(try await check.members(), leaving: check.leaving)
                if verdict.allowsLeaving {
                    logger.info("quorum \(check.name): \(verdict): \(check.leaving) may leave")
                } else {
                    blocked.append("\(check.name): \(verdict)")
                }
            }
            if blocked.isEmpty { return true }
            let waited = time.monotonicNow - started
            guard waited < timeout else {
                logger.warning("no quorum after \(waited.wholeSecondsText): \(blocked.joined(separator: "; "))")
                return false
            }
            // The last pause is cut to the timeout, so the last check is at the timeout itself.
            let pause = min(interval, timeout - waited)
            logger.notice("no quorum yet (\(blocked.joined(separator: "; "))); checking again in \(pause.preciseText) (\(Int(waited.seconds)) of \(timeout.wholeSecondsText))")
            try await time.sleep(for: pause)
        }
    }
}
