/// What `cycle` needs: how to leave, how to rejoin, and whether to rejoin after a failure.
public struct CycleSettings: Sendable, Equatable {
    /// The leave, quorum included (which `cycle` always treats as strict).
    public var leave: LeaveSettings
    /// The rejoin.
    public var join: JoinSettings
    /// Whether to rejoin after the command failed.
    public var rejoinsOnFailure: Bool

    /// Creates cycle settings.
    public init(leave: LeaveSettings, join: JoinSettings, rejoinsOnFailure: Bool = false) {
        self.leave = leave
        self.join = join
        self.rejoinsOnFailure = rejoinsOnFailure
    }

    /// Whether only the plan is printed.
    public var dryRun: Bool { leave.dryRun }
}
