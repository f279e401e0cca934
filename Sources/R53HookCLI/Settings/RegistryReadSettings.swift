import AWSKit
import R53HookKit

/// What `members` needs: the record whose registry to read, and when a heartbeat expires.
struct RegistryReadSettings: Sendable {
    var target: FleetTarget
    /// Seconds after which a heartbeat counts as expired.
    var expiry: Int

    init(_ settings: SettingsResolver) throws(SettingsError) {
        target = try settings.recordTarget()
        expiry = try settings.requiredInteger(.expiry)
    }
}
