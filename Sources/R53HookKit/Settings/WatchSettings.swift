/// What `watch` needs: how it joins and leaves (as `start` and `stop`), and how it watches.
package struct WatchSettings: Sendable, Equatable {
    /// The join, as `start` does it.
    package var join: JoinSettings
    /// The leave, as `stop` does it (the quorum is skipped for a spot interruption).
    package var leave: LeaveSettings
    /// How often IMDS is polled.
    package var pollInterval: Duration
    /// How long before EC2's spot interruption time the drain must be over.
    package var spotMargin: Duration
    /// The rules for each event.
    package var policy: WatchPolicy
    /// How often the registry mark is refreshed while joined (half the heartbeat expiry).
    package var heartbeatEvery: Duration
    /// The local health check, when one is configured.
    package var health: HealthCheckSettings?
    /// The Auto Scaling lifecycle hooks whose actions `watch` completes (none: it completes none).
    package var lifecycleHooks: [String] = []
    /// The Auto Scaling group, when configured; otherwise the instance's
    /// `aws:autoscaling:groupName` tag from IMDS.
    package var autoScalingGroup: String?

    /// Creates watch settings with the documented defaults.
    package init(
        join: JoinSettings, leave: LeaveSettings, pollInterval: Duration = .seconds(2), spotMargin: Duration = .seconds(10),
        policy: WatchPolicy = WatchPolicy(), heartbeatEvery: Duration = .seconds(60)
    ) {
        self.join = join
        self.leave = leave
        self.pollInterval = pollInterval
        self.spotMargin = spotMargin
        self.policy = policy
        self.heartbeatEvery = heartbeatEvery
    }
}
