import ArgumentParser

/// Declaring a flag from its table entry: `@Option(setting: .ttl) var ttl: String?`. Every value
/// is kept as text so that the resolver checks flag, environment and file values by the same
/// rule and names the source in every error.
extension Option where Value == String? {
    init(setting key: SettingKey) {
        let spec = key.spec
        self.init(
            name: .customLong(spec.longName), parsing: spec.parsesUnconditionally ? .unconditional : .next,
            help: spec.argumentHelp)
    }
}

/// `@Flag(setting: .dryRun) var dryRun = false`.
extension Flag where Value == Bool {
    init(wrappedValue: Bool, setting key: SettingKey) {
        let spec = key.spec
        self.init(wrappedValue: wrappedValue, name: .customLong(spec.longName), help: spec.argumentHelp)
    }
}

/// Flags a command accepted before each command showed only the options it uses: still
/// accepted, so a script or unit that passes `stop` the same flags as `start` keeps working at
/// shutdown, but hidden from `--help` and ignored with a warning (see `IgnoredOptions`).
extension Option where Value == String? {
    init(ignoredSetting key: SettingKey) {
        let spec = key.spec
        self.init(
            name: .customLong(spec.longName), parsing: spec.parsesUnconditionally ? .unconditional : .next,
            help: ArgumentHelp(spec.summary, visibility: .private))
    }
}

extension Flag where Value == Bool {
    init(wrappedValue: Bool, ignoredSetting key: SettingKey) {
        self.init(wrappedValue: wrappedValue, name: .customLong(key.spec.longName), help: ArgumentHelp(key.spec.summary, visibility: .private))
    }
}
