/// How the hosted zone is chosen.
package enum ZoneSelector: Sendable, Equatable {
    /// By id (without the `/hostedzone/` prefix).
    case id(String)
    /// By name, optionally only the private (true) or public (false) zone of that name.
    case name(String, isPrivate: Bool?)
}
