import AWSKit
import XMLLite

/// The Auto Scaling calls `watch` makes for lifecycle hooks (Query API 2011-01-01), through the
/// same signer, retries and deadline as every other call. Actions are named by instance id:
/// IMDS gives no lifecycle action token.
package struct AutoScalingClient: Sendable {
    /// What completing an action found.
    package enum Completion: Sendable, Equatable {
        /// Completed by this call.
        case completed
        /// No action was pending (already completed, timed out, or never started): Auto Scaling
        /// answers ValidationError "No active Lifecycle Action found".
        case noActiveAction(String)
    }

    private let aws: AWSClient
    private let service: AWSService
    private static let version = "2011-01-01"

    /// Creates the client.
    package init(aws: AWSClient, service: AWSService) {
        self.aws = aws
        self.service = service
    }

    /// DescribeLifecycleHooks for the named hooks of the group.
    package func lifecycleHooks(group: String, names: [String]) async throws -> [LifecycleHook] {
        var parameters = [("AutoScalingGroupName", group)]
        for (index, name) in names.enumerated() { parameters.append(("LifecycleHookNames.member.\(index + 1)", name)) }
        let root = try await call("DescribeLifecycleHooks", parameters)
        let members = root.element(at: "DescribeLifecycleHooksResult", "LifecycleHooks")?.children(named: "member") ?? []
        return members.compactMap { member in
            guard let name = member.childText("LifecycleHookName"), let transition = member.childText("LifecycleTransition") else { return nil }
            let timeout = member.childText("HeartbeatTimeout").flatMap { Int($0) } ?? 3600
            return LifecycleHook(
                name: name, transition: transition, heartbeatTimeout: .seconds(timeout),
                defaultResult: member.childText("DefaultResult") ?? "ABANDON")
        }
    }

    /// DescribeAutoScalingInstances for this instance: its lifecycle state in its group
    /// (`Pending:Wait` while a launch action waits for its answer), nil when Auto Scaling does
    /// not list it (not in a group, or gone).
    package func lifecycleState(instanceId: String) async throws -> String? {
        let root = try await call("DescribeAutoScalingInstances", [("InstanceIds.member.1", instanceId)])
        let members = root.element(at: "DescribeAutoScalingInstancesResult", "AutoScalingInstances")?.children(named: "member") ?? []
        return members.first { $0.childText("InstanceId") == instanceId }?.childText("LifecycleState")
    }

    /// CompleteLifecycleAction with CONTINUE or ABANDON.
    package func completeLifecycleAction(group: String, hook: String, instanceId: String, result: String) async throws -> Completion {
        do {
            _ = try await call(
                "CompleteLifecycleAction",
                [("AutoScalingGroupName", group), ("LifecycleHookName", hook), ("InstanceId", instanceId), ("LifecycleActionResult", result)])
            return .completed
        } catch let error as DomainError {
            if let message = Self.noActiveAction(error) { return .noActiveAction(message) }
            throw error
        }
    }

    /// RecordLifecycleActionHeartbeat: the action waits one more heartbeat timeout.
    package func recordHeartbeat(group: String, hook: String, instanceId: String) async throws -> Completion {
        do {
            _ = try await call(
                "RecordLifecycleActionHeartbeat", [("AutoScalingGroupName", group), ("LifecycleHookName", hook), ("InstanceId", instanceId)])
            return .completed
        } catch let error as DomainError {
            if let message = Self.noActiveAction(error) { return .noActiveAction(message) }
            throw error
        }
    }

    private static func noActiveAction(_ error: DomainError) -> String? {
        guard let service = error.underlying as? AWSServiceError, service.code == "ValidationError",
            service.message.contains("No active Lifecycle Action")
        else { return nil }
        return service.message
    }

    private func call(_ action: String, _ parameters: [(String, String)]) async throws -> XMLElement {
        do {
            return try await aws.send(.query(action: action, version: Self.version, parameters: parameters), to: service)
        } catch let error as AWSServiceError {
            throw DomainError(.serviceFailed, "Auto Scaling \(action) failed: \(error)", underlying: error)
        }
    }
}
