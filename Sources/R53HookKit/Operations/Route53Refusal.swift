import AWSKit

/// Turns a Route 53 refusal of a change into a message that says what to do.
enum Route53Refusal {
    static func explain(_ error: AWSServiceError, action: String, zone: HostedZone) -> HookError {
        switch error.code {
        case "NoSuchHostedZone":
            return HookError(.configuration, "cannot \(action): hosted zone \(zone.id) no longer exists (\(error.message))", underlying: error)
        case "NoSuchHealthCheck":
            return HookError(.configuration, "cannot \(action): the health check does not exist (\(error.message)); check --health-check-id", underlying: error)
        case "InvalidChangeBatch", "InvalidInput":
            return HookError(.configuration, "Route 53 refused to \(action): \(error.message)", underlying: error)
        default:
            return HookError(.unreachable, "Route 53 could not \(action): \(error)", underlying: error)
        }
    }
}
