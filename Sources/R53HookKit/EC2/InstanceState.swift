/// An EC2 instance's state name, as DescribeInstances reports it (`instanceState.name`).
///
/// A struct over the name, not a closed enum: EC2 may add states, and an unknown one must
/// read as "not terminated", never fail the sweep.
public struct InstanceState: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The name EC2 sent.
    public let rawValue: String

    /// Wraps a state name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// For literals in tests and tables.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The name.
    public var description: String { rawValue }

    /// Launching.
    public static let pending: InstanceState = "pending"
    /// Running.
    public static let running: InstanceState = "running"
    /// Being terminated; it still answers for a while.
    public static let shuttingDown: InstanceState = "shutting-down"
    /// Gone for good: the only state in which `sweep` deletes a member at once.
    public static let terminated: InstanceState = "terminated"
    /// Stopping.
    public static let stopping: InstanceState = "stopping"
    /// Stopped; it may be started again, so `sweep` does not judge it dead.
    public static let stopped: InstanceState = "stopped"
}
