/// What `stop` does when the quorum is not there in time (`cycle` always fails).
package enum NoQuorumAction: String, Sendable, Equatable, CaseIterable {
    /// Leave anyway, with a loud warning: the machine is going down either way.
    case proceed
    /// Exit 75 and change nothing.
    case fail
}
