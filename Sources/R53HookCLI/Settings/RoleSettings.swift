import AWSKit
import R53HookKit

/// What `role` needs: the registry, the group and how many servers it wants.
struct RoleSettings: Sendable {
    var registry: RegistryReadSettings
    /// The group to choose in.
    var group: String
    /// How many servers the group wants.
    var servers: Int

    init(_ settings: SettingsResolver) throws(SettingsError) {
        guard let group = try settings.text(.group) else {
            throw SettingsError(.usage, "role needs its group: give \(settings.howToGive(.group, placeholder: "NAME")), e.g. --group consul")
        }
        if let problem = MemberMark.problem(withGroup: group) { throw settings.invalid(.group, group, problem) }
        guard let servers = try settings.integer(.servers) else {
            throw SettingsError(.usage, "role needs the number of servers: give \(settings.howToGive(.servers, placeholder: "N")), e.g. --servers 3")
        }
        registry = try RegistryReadSettings(settings)
        if registry.target.record?.isDualStack == true {
            throw settings.invalid(
                .type, try settings.text(.type) ?? "", "role chooses within one record type's registry: give A or AAAA (both hold the same members)")
        }
        self.group = group
        self.servers = servers
    }
}
