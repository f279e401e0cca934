/// Every setting r53hook takes, with its environment / config-file key and its flag.
public enum SettingKey: String, Sendable, CaseIterable, Hashable {
    case zoneId = "R53HOOK_ZONE_ID"
    case zoneName = "R53HOOK_ZONE_NAME"
    case privateZone = "R53HOOK_PRIVATE_ZONE"
    case name = "R53HOOK_NAME"
    case type = "R53HOOK_TYPE"
    case ttl = "R53HOOK_TTL"
    case weight = "R53HOOK_WEIGHT"
    case setIdentifier = "R53HOOK_SET_IDENTIFIER"
    case address = "R53HOOK_ADDRESS"
    case healthCheckId = "R53HOOK_HEALTH_CHECK_ID"
    case deadline = "R53HOOK_DEADLINE"
    case drainExtra = "R53HOOK_DRAIN_EXTRA"
    case noWait = "R53HOOK_NO_WAIT"
    case dryRun = "R53HOOK_DRY_RUN"
    case debug = "R53HOOK_DEBUG"
    case imdsV1 = "R53HOOK_IMDS_V1"

    /// The command-line flag that sets it.
    public var flag: String {
        switch self {
        case .zoneId: return "--zone-id"
        case .zoneName: return "--zone-name"
        case .privateZone: return "--private-zone/--public-zone"
        case .name: return "--name"
        case .type: return "--type"
        case .ttl: return "--ttl"
        case .weight: return "--weight"
        case .setIdentifier: return "--set-identifier"
        case .address: return "--address"
        case .healthCheckId: return "--health-check-id"
        case .deadline: return "--deadline"
        case .drainExtra: return "--drain-extra"
        case .noWait: return "--no-wait"
        case .dryRun: return "--dry-run"
        case .debug: return "--debug"
        case .imdsV1: return "--imds-v1"
        }
    }

    /// The environment variable (and config-file key) that sets it.
    public var environmentName: String { rawValue }
}
