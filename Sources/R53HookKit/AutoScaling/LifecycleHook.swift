/// One lifecycle hook of an Auto Scaling group, as DescribeLifecycleHooks gives it.
package struct LifecycleHook: Sendable, Equatable {
    /// `autoscaling:EC2_INSTANCE_LAUNCHING`.
    package static let launching = "autoscaling:EC2_INSTANCE_LAUNCHING"
    /// `autoscaling:EC2_INSTANCE_TERMINATING`.
    package static let terminating = "autoscaling:EC2_INSTANCE_TERMINATING"

    /// The hook's name.
    package let name: String
    /// Which transition it holds: `launching` or `terminating`.
    package let transition: String
    /// How long an action waits without a heartbeat before `defaultResult` applies (30-7200 s).
    package let heartbeatTimeout: Duration
    /// `CONTINUE` or `ABANDON`.
    package let defaultResult: String

    /// Creates a hook.
    package init(name: String, transition: String, heartbeatTimeout: Duration, defaultResult: String) {
        self.name = name
        self.transition = transition
        self.heartbeatTimeout = heartbeatTimeout
        self.defaultResult = defaultResult
    }
}
