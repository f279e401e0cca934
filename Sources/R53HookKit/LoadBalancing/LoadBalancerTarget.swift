/// The load balancer an instance joins besides (or instead of) its DNS record.
package enum LoadBalancerTarget: Sendable, Equatable, CustomStringConvertible {
    /// A classic ELB, by name.
    case classic(name: String)
    /// An ELBv2 target group, by ARN, with the port to register (nil: the group's port).
    case targetGroup(arn: String, port: Int?)

    /// "classic ELB web" or "target group arn:…".
    package var description: String {
        switch self {
        case .classic(let name): return "classic ELB \(name)"
        case .targetGroup(let arn, let port): return "target group \(arn)" + (port.map { " port \($0)" } ?? "")
        }
    }
}
