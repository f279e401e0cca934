/// The role `r53hook role` chose for a member of a group (auto-consul's modes).
package enum MemberRole: String, Sendable, Equatable, CaseIterable {
    /// The first server: no live server was there to join.
    case bootstrap
    /// A server joining the live servers.
    case server
    /// A client of the servers.
    case agent

    /// Whether the role counts as a server of its group.
    package var isServer: Bool { self != .agent }
}
