import AWSKit

/// Where the instance should be, given what IMDS says: the output of `WatchPolicy`.
package enum WatchVerdict: Sendable, Equatable {
    /// In the fleet, at the configured weight.
    case serve
    /// In the fleet at weight 0 (a rebalance recommendation with `--on-rebalance weight-zero`).
    case serveAtWeightZero(reason: String)
    /// Out: leave (with the quorum as configured) and do not join. `final` when nothing IMDS can
    /// say later brings the instance back (Auto Scaling is terminating it).
    case stayOut(reason: String, final: Bool)
    /// Out at once: skip the quorum and be gone by `goneBy` (EC2's spot interruption time); the
    /// drain is cut to fit. Always final.
    case leaveUrgently(reason: String, goneBy: UnixTime)

    /// Whether the verdict keeps the instance out of the fleet.
    package var isOut: Bool {
        switch self {
        case .serve, .serveAtWeightZero: return false
        case .stayOut, .leaveUrgently: return true
        }
    }

    /// Whether no later signal may bring the instance back.
    package var isFinal: Bool {
        switch self {
        case .serve, .serveAtWeightZero: return false
        case .stayOut(_, let final): return final
        case .leaveUrgently: return true
        }
    }

    /// In words, for the log and `STATUS=`.
    package var summary: String {
        switch self {
        case .serve: return "serving"
        case .serveAtWeightZero(let reason): return "serving at weight 0: \(reason)"
        case .stayOut(let reason, _): return "out: \(reason)"
        case .leaveUrgently(let reason, let goneBy): return "out at once: \(reason); gone by \(goneBy)"
        }
    }
}
