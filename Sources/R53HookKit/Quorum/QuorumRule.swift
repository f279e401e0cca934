/// How many healthy members must remain when one leaves: at least `minimumHealthy`, and at least
/// `fraction` of all members, rounded up. Either may be absent.
package struct QuorumRule: Sendable, Equatable {
    /// The least number of healthy members that must remain.
    package var minimumHealthy: Int
    /// The least share of all members that must remain healthy (0 < fraction <= 1).
    package var fraction: Double?

    /// Creates a rule.
    package init(minimumHealthy: Int = 0, fraction: Double? = nil) {
        self.minimumHealthy = minimumHealthy
        self.fraction = fraction
    }

    /// Healthy members required to remain, for a fleet of `members`.
    package func required(members: Int) -> Int {
        // The tiny tolerance keeps float noise (0.7 × 10 = 7.000000000000001) from adding a member.
        let byFraction = fraction.map { Int((Double(members) * $0 - 1e-9).rounded(.up)) } ?? 0
        return max(minimumHealthy, byFraction)
    }

    /// Whether `leaving` may leave a fleet of `members`.
    package func evaluate(_ members: [FleetMember], leaving: String) -> QuorumVerdict {
        let healthy = members.filter(\.isHealthy)
        let leaverIsHealthy = healthy.contains { $0.id == leaving }
        let remaining = healthy.count - (leaverIsHealthy ? 1 : 0)
        let required = required(members: members.count)
        let isMember = members.contains { $0.id == leaving }
        return QuorumVerdict(
            members: members.count, healthy: healthy.count, remainingHealthy: remaining, required: required,
            allowsLeaving: !isMember || !leaverIsHealthy || remaining >= required)
    }
}

/// What a quorum check found.
package struct QuorumVerdict: Sendable, Equatable, CustomStringConvertible {
    /// Members registered (any state).
    package let members: Int
    /// Members healthy now.
    package let healthy: Int
    /// Healthy members that would remain after this instance leaves.
    package let remainingHealthy: Int
    /// Healthy members that must remain.
    package let required: Int
    /// Whether leaving keeps the quorum (always true when this instance is not a healthy member:
    /// its leaving takes nothing away).
    package let allowsLeaving: Bool

    /// Creates a verdict.
    package init(members: Int, healthy: Int, remainingHealthy: Int, required: Int, allowsLeaving: Bool) {
        self.members = members
        self.healthy = healthy
        self.remainingHealthy = remainingHealthy
        self.required = required
        self.allowsLeaving = allowsLeaving
    }

    /// "3 of 4 members healthy; 2 would remain, 3 required".
    package var description: String {
        "\(healthy) of \(members) members healthy; \(remainingHealthy) would remain after leaving, \(required) required"
    }
}
