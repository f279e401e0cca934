/// An EC2 instance's state name, as DescribeInstances reports it (`instanceState.name`).
///
/// A struct over the name, not a closed enum: EC2 may add states, and an unknown one must
/// read as "not terminated", never fail the sweep.
package struct InstanceState: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The name EC2 sent.
    package let rawValue: String

    /// Wraps a state name.
    package init(rawValue: String) { self.rawValue = rawValue }

    /// For literals in tests and tables.
    package init(stringLiteral value: String) { self.rawValue = value }

    /// The name.
    package var description: String { rawValue }

    /// Launching.
    package static let pending: InstanceState = "pending"
    /// Running.
    package static let running: InstanceState = "running"
    /// Being terminated; it still answers for a while.
    package static let shuttingDown: InstanceState = "shutting-down"
    /// Gone for good: the only state in which `sweep` deletes a member at once.
    package static let terminated: InstanceState = "terminated"
    /// Stopping.
    package static let stopping: InstanceState = "stopping"
    /// Stopped; it may be started again, so `sweep` does not judge it dead.
    package static let stopped: InstanceState = "stopped"
}
