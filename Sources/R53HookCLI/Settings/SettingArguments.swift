import ArgumentParser

/// Collects the settings given on the command line from a command's option groups, by property
/// name (each property is named like its `SettingKey`), so a command never lists its flags a
/// second time. `SettingArgumentsTests` proves that every declared flag is collected.
enum SettingArguments {
    /// The flags that were given, as text keyed by setting. Call it only on parsed arguments.
    static func given(in arguments: any ParsableArguments) -> [SettingKey: String] {
        var values: [SettingKey: String] = [:]
        var ignored: [SettingKey: String] = [:]
        collect(arguments, into: &values, ignored: &ignored)
        return values
    }

    /// The flags that were given although the command does not use them (`IgnoredOptions`).
    static func ignored(in arguments: any ParsableArguments) -> [SettingKey] {
        var values: [SettingKey: String] = [:]
        var ignored: [SettingKey: String] = [:]
        collect(arguments, into: &values, ignored: &ignored)
        return ignored.keys.sorted { $0.rawValue < $1.rawValue }
    }

    /// Every setting the command's option groups declare, given or not (hidden groups of
    /// ignored flags aside). Call it only on parsed arguments.
    static func declared(in arguments: any ParsableArguments) -> Set<SettingKey> {
        var keys: Set<SettingKey> = []
        for child in Mirror(reflecting: arguments).children {
            guard let value = child.value as? any SettingArgument else { continue }
            if let group = value.nestedArguments {
                if !(group is any IgnoredOptions) { keys.formUnion(declared(in: group)) }
                continue
            }
            if let label = child.label, let key = SettingKey(rawValue: String(label.drop { $0 == "_" })) { keys.insert(key) }
        }
        return keys
    }

    private static func collect(_ arguments: Any, into values: inout [SettingKey: String], ignored: inout [SettingKey: String]) {
        for child in Mirror(reflecting: arguments).children {
            guard let value = child.value as? any SettingArgument else { continue }
            if let group = value.nestedArguments {
                if group is any IgnoredOptions {
                    var unused: [SettingKey: String] = [:]
                    collect(group, into: &ignored, ignored: &unused)
                } else {
                    collect(group, into: &values, ignored: &ignored)
                }
                continue
            }
            guard let label = child.label, let key = SettingKey(rawValue: String(label.drop { $0 == "_" })) else { continue }
            if let text = value.settingText(for: key) { values[key] = text }
        }
    }
}

/// A property wrapper that may carry a setting: an option, a flag, or a group of them.
protocol SettingArgument {
    /// The value given, as the setting's text, or nil when not given.
    func settingText(for key: SettingKey) -> String?
    /// The options of a nested group.
    var nestedArguments: (any ParsableArguments)? { get }
}

extension SettingArgument {
    var nestedArguments: (any ParsableArguments)? { nil }
    func settingText(for key: SettingKey) -> String? { nil }
}

extension Option: SettingArgument where Value == String? {
    func settingText(for key: SettingKey) -> String? { wrappedValue }
}

extension Flag: SettingArgument where Value: SettingFlagValue {
    func settingText(for key: SettingKey) -> String? { wrappedValue.settingText(for: key) }
}

extension OptionGroup: SettingArgument {
    var nestedArguments: (any ParsableArguments)? { wrappedValue }
}

/// The values a flag can have: a switch, or the choice between the public and private zone.
protocol SettingFlagValue {
    func settingText(for key: SettingKey) -> String?
}

extension Bool: SettingFlagValue {
    /// A switch that is on sets its setting to the value in the table ("false" for --no-...).
    func settingText(for key: SettingKey) -> String? {
        guard self, case .switchTo(let value) = key.spec.form else { return nil }
        return value
    }
}

extension Optional: SettingFlagValue where Wrapped == ZoneVisibilityFlag {
    func settingText(for key: SettingKey) -> String? {
        map { $0 == .privateZone ? "true" : "false" }
    }
}
