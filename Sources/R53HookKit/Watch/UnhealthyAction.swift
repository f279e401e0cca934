/// What a failing local health check does to the instance's place in the fleet.
package enum UnhealthyAction: String, Sendable, CaseIterable {
    /// Keep the record at weight 0 (through the same compare-and-swap batch): no traffic while
    /// others have weight, and if every member fails, traffic still spreads over all of them.
    case weightZero = "weight-zero"
    /// Leave, as `stop` does (quorum as configured).
    case leave
}
