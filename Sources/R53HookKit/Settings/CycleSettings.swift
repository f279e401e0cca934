/// What `cycle` needs: how to leave, how to rejoin, and whether to rejoin after a failure.
package struct CycleSettings: Sendable, Equatable {
    /// The leave, quorum included (which `cycle` always treats as strict).
    package var leave: LeaveSettings
    /// The rejoin.
    package var join: JoinSettings
    /// Whether to rejoin after the command failed.
    package var rejoinsOnFailure: Bool

    /// Creates cycle settings.
    package init(leave: LeaveSettings, join: JoinSettings, rejoinsOnFailure: Bool = false) {
        self.leave = leave
        self.join = join
        self.rejoinsOnFailure = rejoinsOnFailure
    }

    /// Whether only the plan is printed.
    package var dryRun: Bool { leave.dryRun }
}
