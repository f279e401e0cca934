/// What `watch` does on a rebalance recommendation, which is advisory and frequent: EC2 says
/// the instance is at raised risk of interruption, not that one is coming.
package enum RebalanceAction: String, Sendable, CaseIterable {
    /// Log it, change nothing (the default).
    case log
    /// Keep the record but at weight 0, so it takes traffic only if every member is at 0.
    case weightZero = "weight-zero"
    /// Leave (quorum as configured) until the recommendation is gone.
    case leave
}
