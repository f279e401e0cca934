/// Where `sweep` learns whether the instances behind registry members still exist: the seam
/// between the sweep and EC2.
package protocol InstanceStateLookup: Sendable {
    /// The region whose instances this lookup sees.
    var region: String { get }
    /// The state (`pending`, `running`, `stopped`, `shutting-down`, `terminated`, ...) of
    /// each instance EC2 still knows; an id missing from the answer is gone.
    func states(of instanceIds: [String]) async throws -> [String: InstanceState]
}
