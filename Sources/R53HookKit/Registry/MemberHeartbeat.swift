import AWSKit
import Logging

/// `heartbeat`: refresh this member's mark with the time now, proving it is alive. The first
/// heartbeat also declares that the member sends them, so that `members`, `role` and `sweep`
/// judge it by its heartbeat's age from then on.
public struct MemberHeartbeat: Sendable {
    private let route53: Route53Client
    private let identity: InstanceIdentity
    private let time: any TimeSource
    private let logger: Logger

    /// Creates the use case.
    public init(route53: Route53Client, identity: InstanceIdentity, time: any TimeSource, logger: Logger) {
        self.route53 = route53
        self.identity = identity
        self.time = time
        self.logger = logger
    }

    /// Writes the heartbeat; returns the mark as written.
    public func run(_ settings: HookSettings) async throws -> MemberMark {
        let registry = try await MemberRegistry.of(settings, route53: route53)
        let setIdentifier = try await identity.setIdentifier(settings)
        let now = Int(time.wallClock.seconds)
        let (mark, change) = try await registry.rewriteMark(setIdentifier: setIdentifier) { old in
            var new = old
            new.heartbeatAt = now
            return new
        }
        logger.info("heartbeat of \(setIdentifier) at \(now) in \(registry.registryName) (change \(change.id))")
        return mark
    }
}
