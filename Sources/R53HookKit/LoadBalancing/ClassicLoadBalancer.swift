import AWSKit
import XMLLite

/// A classic ELB through the Query API (version 2012-06-01).
package struct ClassicLoadBalancer: LoadBalancerMembership {
    private let aws: AWSClient
    private let service: AWSService
    private let name: String
    private static let version = "2012-06-01"

    /// Creates the client for one load balancer.
    package init(aws: AWSClient, service: AWSService, name: String) {
        self.aws = aws
        self.service = service
        self.name = name
    }

    /// "classic ELB NAME".
    package var description: String { "classic ELB \(name)" }

    package func register(instanceId: String) async throws {
        _ = try await call(
            "RegisterInstancesWithLoadBalancer",
            [("LoadBalancerName", name), ("Instances.member.1.InstanceId", instanceId)])
    }

    package func deregister(instanceId: String) async throws {
        _ = try await call(
            "DeregisterInstancesFromLoadBalancer",
            [("LoadBalancerName", name), ("Instances.member.1.InstanceId", instanceId)])
    }

    package func members() async throws -> [FleetMember] {
        let root = try await call("DescribeInstanceHealth", [("LoadBalancerName", name)])
        let states = root.element(at: "DescribeInstanceHealthResult", "InstanceStates")?.children(named: "member") ?? []
        return states.compactMap(Self.member(from:))
    }

    package func member(instanceId: String) async throws -> FleetMember? {
        try await members().first { $0.id == instanceId }
    }

    package func drainTimeout() async throws -> Duration {
        let root = try await call("DescribeLoadBalancerAttributes", [("LoadBalancerName", name)])
        let draining = root.element(at: "DescribeLoadBalancerAttributesResult", "LoadBalancerAttributes", "ConnectionDraining")
        guard draining?.childText("Enabled") == "true" else { return .zero }
        return .seconds(Int(draining?.childText("Timeout") ?? "") ?? 300)
    }

    /// Classic ELB keeps a deregistering instance InService while it drains; only the
    /// description tells, and such an instance must not count as healthy.
    static func member(from element: XMLElement) -> FleetMember? {
        guard let id = element.childText("InstanceId"), let state = element.childText("State") else { return nil }
        let description = element.childText("Description") ?? ""
        let health: FleetMember.Health
        switch state {
        case "InService" where description.lowercased().contains("deregistration"):
            health = .draining
        case "InService":
            health = .healthy
        case "Unknown":
            health = .starting
        default:
            health = description.lowercased().contains("registration is still in progress") ? .starting : .unhealthy
        }
        return FleetMember(id: id, health: health, detail: description.isEmpty ? state : "\(state): \(description)")
    }

    private func call(_ action: String, _ parameters: [(String, String)]) async throws -> XMLElement {
        do {
            return try await aws.send(.query(action: action, version: Self.version, parameters: parameters), to: service)
        } catch let error as AWSServiceError {
            switch error.code {
            case "LoadBalancerNotFound", "AccessPointNotFound":
                throw DomainError(
                    .loadBalancerNotFound, "there is no classic load balancer named \(name) in \(service.region) (\(error.message))",
                    remedies: [.check(.classicLoadBalancer), .advice("check AWS_REGION")], underlying: error)
            case "InvalidInstance", "InvalidEndPoint":
                throw DomainError(.loadBalancerRefusedInstance, "\(description) refused the instance: \(error.message)", underlying: error)
            default:
                throw DomainError(.serviceFailed, "\(description): \(action) failed: \(error)", underlying: error)
            }
        }
    }
}
