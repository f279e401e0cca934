import AWSKit
import R53HookKit

/// What `sweep` needs: the registry and its self-preservation limits.
struct SweepSettings: Sendable {
    var target: FleetTarget
    var limits: RegistrySweep.Limits
    /// Print what would go; delete nothing.
    var dryRun: Bool

    init(_ settings: SettingsResolver) throws(SettingsError) {
        target = try settings.recordTarget()
        limits = RegistrySweep.Limits(
            expiry: try settings.requiredInteger(.expiry), maxFraction: try settings.fraction(.maxFraction) ?? 0.5,
            force: try settings.bool(.force))
        dryRun = try settings.bool(.dryRun)
    }
}
