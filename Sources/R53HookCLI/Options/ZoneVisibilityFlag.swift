import ArgumentParser

/// Whether to use the public or the private zone when both have the name.
enum ZoneVisibilityFlag: String, EnumerableFlag {
    case privateZone
    case publicZone

    static func name(for value: ZoneVisibilityFlag) -> NameSpecification {
        value == .privateZone ? .customLong("private-zone") : .customLong("public-zone")
    }

    static func help(for value: ZoneVisibilityFlag) -> ArgumentHelp? {
        let environment = SettingKey.privateZone.spec.environment ?? ""
        return value == .privateZone
            ? "With --zone-name: use the private zone of that name. (\(environment)=true)"
            : "With --zone-name: use the public zone of that name. (\(environment)=false)"
    }
}
