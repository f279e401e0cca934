#if canImport(Glibc)
    import Glibc
#endif

/// Whether a systemd unit is running, read from the files systemd keeps for it: while a unit is
/// active (or activating, or deactivating), `/run/systemd/units/invocation:UNIT` links to its
/// invocation id. Reading a file needs neither `systemctl` nor D-Bus, and works inside the
/// hardened unit.
package enum SystemdUnitActivity {
    /// Where systemd keeps the links.
    package static let unitsDirectory = "/run/systemd/units"

    /// Whether `unit` (e.g. `r53hook.service`) has a running invocation.
    package static func isRunning(_ unit: String, unitsDirectory: String = unitsDirectory) -> Bool {
        var info = stat()
        return lstat("\(unitsDirectory)/invocation:\(unit)", &info) == 0
    }
}
