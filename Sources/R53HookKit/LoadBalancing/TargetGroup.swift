import AWSKit
import XMLLite

/// An ELBv2 target group through the Query API (version 2015-12-01).
package struct TargetGroup: LoadBalancerMembership {
    private let aws: AWSClient
    private let service: AWSService
    private let arn: String
    private let port: Int?
    private static let version = "2015-12-01"

    /// Creates the client for one target group; `port` is the port to register (nil: the group's).
    package init(aws: AWSClient, service: AWSService, arn: String, port: Int?) {
        self.aws = aws
        self.service = service
        self.arn = arn
        self.port = port
    }

    /// "target group NAME".
    package var description: String {
        let name = arn.split(separator: "/").dropFirst().first.map(String.init) ?? arn
        return "target group \(name)"
    }

    package func register(instanceId: String) async throws {
        _ = try await call("RegisterTargets", [("TargetGroupArn", arn)] + target(instanceId))
    }

    package func deregister(instanceId: String) async throws {
        _ = try await call("DeregisterTargets", [("TargetGroupArn", arn)] + target(instanceId))
    }

    package func members() async throws -> [FleetMember] {
        let root = try await call("DescribeTargetHealth", [("TargetGroupArn", arn)])
        return descriptions(root).compactMap { Self.member(from: $0) }.filter { $0.health != .unused }
    }

    package func member(instanceId: String) async throws -> FleetMember? {
        let root = try await call("DescribeTargetHealth", [("TargetGroupArn", arn)] + target(instanceId))
        let member = descriptions(root).compactMap { Self.member(from: $0) }.first { $0.id == instanceId }
        return member?.health == .unused && member?.reason == Self.notRegistered ? nil : member
    }

    package func drainTimeout() async throws -> Duration {
        let root = try await call("DescribeTargetGroupAttributes", [("TargetGroupArn", arn)])
        let attributes = root.element(at: "DescribeTargetGroupAttributesResult", "Attributes")?.children(named: "member") ?? []
        let delay = attributes.first { $0.childText("Key") == "deregistration_delay.timeout_seconds" }?.childText("Value")
        return .seconds(Int(delay ?? "") ?? 300)
    }

    /// The reason code of a target that is not in the group at all (state `unused`).
    static let notRegistered = "Target.NotRegistered"

    /// ELBv2 states: initial, healthy, unhealthy, unhealthy.draining, draining, unused, unavailable.
    static func member(from element: XMLElement) -> FleetMember? {
        guard let id = element.element(at: "Target", "Id")?.trimmedText,
            let state = element.element(at: "TargetHealth", "State")?.trimmedText
        else { return nil }
        let reason = element.element(at: "TargetHealth", "Reason")?.trimmedText ?? ""
        let health: FleetMember.Health
        switch state {
        case "healthy": health = .healthy
        case "initial": health = .starting
        case "draining", "unhealthy.draining": health = .draining
        case "unused": health = .unused
        default: health = .unhealthy
        }
        return FleetMember(
            id: id, health: health, detail: reason.isEmpty ? state : "\(state) (\(reason))",
            reason: reason.isEmpty ? nil : reason)
    }

    private func target(_ instanceId: String) -> [(String, String)] {
        [("Targets.member.1.Id", instanceId)] + (port.map { [("Targets.member.1.Port", String($0))] } ?? [])
    }

    private func descriptions(_ root: XMLElement) -> [XMLElement] {
        root.element(at: "DescribeTargetHealthResult", "TargetHealthDescriptions")?.children(named: "member") ?? []
    }

    private func call(_ action: String, _ parameters: [(String, String)]) async throws -> XMLElement {
        do {
            return try await aws.send(
                .query(action: action, version: Self.version, parameters: parameters, resourceARN: arn),
                to: service)
        } catch let error as AWSServiceError {
            switch error.code {
            case "TargetGroupNotFound":
                throw DomainError(
                    .loadBalancerNotFound, "there is no target group \(arn) (\(error.message))",
                    remedies: [.check(.targetGroup), .advice("check AWS_REGION")], underlying: error)
            case "InvalidTarget":
                throw DomainError(.loadBalancerRefusedInstance, "\(description) refused the instance: \(error.message)", underlying: error)
            default:
                throw DomainError(.serviceFailed, "\(description): \(action) failed: \(error)", underlying: error)
            }
        }
    }
}
