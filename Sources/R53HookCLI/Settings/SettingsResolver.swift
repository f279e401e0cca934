import AWSKit
import R53HookKit

/// Reads settings by their `SettingKey`: the flag, then the environment, then the config file,
/// then (with --from-tags) the instance's tags, then the table's default. Every value is checked by its table rule before any AWS call; a bad
/// flag is a usage error (exit 64), a bad value from the environment or the file a configuration
/// error (exit 78), and every message names where the value came from. What each command needs
/// is assembled from these reads in `SettingsResolver+Commands.swift`.
struct SettingsResolver: Sendable {
    private let flags: [SettingKey: String]
    private let environment: ProcessEnvironment
    private let file: ConfigFile?
    private let tags: InstanceTags?

    /// Where a value came from.
    enum Origin: Equatable {
        case flag, environment
        case file(String)
        case tag(String)
        case defaultValue
    }

    /// Creates a resolver. `flags` holds the flags that were given, as text.
    init(flags: [SettingKey: String], environment: ProcessEnvironment, file: ConfigFile?, tags: InstanceTags? = nil) {
        self.flags = flags
        self.environment = environment
        self.file = file
        self.tags = tags
    }

    /// The same settings with the instance's tags below the config file.
    func adding(_ tags: InstanceTags) throws(SettingsError) -> SettingsResolver {
        let known = SettingKey.allCases.compactMap(\.spec.tagKey)
        for key in tags.values.keys.sorted() where !known.contains(key) {
            throw SettingsError(.configuration, "unknown instance tag \(key). Known tags: \(known.joined(separator: ", "))")
        }
        return SettingsResolver(flags: flags, environment: environment, file: file, tags: tags)
    }

    /// The text of a setting and its origin, without the default; nil when not set anywhere.
    func lookup(_ key: SettingKey) -> (value: String, origin: Origin)? {
        if let value = flags[key] { return (value, .flag) }
        guard let name = key.spec.environment else { return nil }
        if let value = environment[name] { return (value, .environment) }
        if let file, let value = file.settings[name], !value.isEmpty { return (value, .file(file.path)) }
        if let tags, let tagKey = key.spec.tagKey, let value = tags.values[tagKey] { return (value, .tag(tagKey)) }
        return nil
    }

    /// Whether the setting was given anywhere (its default aside).
    func isSet(_ key: SettingKey) -> Bool { lookup(key) != nil }

    func origin(_ key: SettingKey) -> Origin { lookup(key)?.origin ?? .defaultValue }

    /// The trimmed text of a setting, its default when not set, or nil.
    func text(_ key: SettingKey) throws(SettingsError) -> String? {
        guard let found = lookup(key) else { return key.spec.defaultValue }
        let value = found.value.trimmingWhitespace
        if value.isEmpty { throw invalid(key, found.value, "it is empty") }
        if case .choice(let words) = key.spec.rule {
            guard let word = words.first(where: { $0.lowercased() == value.lowercased() }) else {
                throw invalid(key, value, "use \(words.joined(separator: " or "))")
            }
            return word
        }
        if case .choiceList(let words) = key.spec.rule {
            var chosen: [String] = []
            for item in value.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingWhitespace }) {
                guard let word = words.first(where: { $0.lowercased() == item.lowercased() }) else {
                    throw invalid(key, value, "use \(words.joined(separator: " or ")), or a comma-separated list of them (\(words.joined(separator: ",")))")
                }
                guard !chosen.contains(word) else { throw invalid(key, value, "\(word) is listed twice") }
                chosen.append(word)
            }
            return chosen.joined(separator: ",")
        }
        return value
    }

    /// A whole number within the table's range, or nil when neither set nor defaulted.
    func integer(_ key: SettingKey) throws(SettingsError) -> Int? {
        guard let raw = try text(key) else { return nil }
        guard case .integer(let range) = key.spec.rule else { throw Self.wrongRule(key, "a whole number") }
        guard let value = Int(raw) else { throw invalid(key, raw, "expected a whole number") }
        guard range.contains(value) else {
            throw invalid(key, raw, "it must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    /// A whole number that has a default in the table.
    func requiredInteger(_ key: SettingKey) throws(SettingsError) -> Int {
        guard let value = try integer(key) else { throw Self.wrongRule(key, "a default") }
        return value
    }

    /// Seconds, as a duration.
    func seconds(_ key: SettingKey) throws(SettingsError) -> Duration {
        .seconds(try requiredInteger(key))
    }

    /// A fraction above 0 and at most 1, or nil.
    func fraction(_ key: SettingKey) throws(SettingsError) -> Double? {
        guard let raw = try text(key) else { return nil }
        guard key.spec.rule == .fraction else { throw Self.wrongRule(key, "a fraction") }
        guard let value = Double(raw), value > 0, value <= 1 else {
            throw invalid(key, raw, "a fraction above 0 and at most 1 (e.g. 0.67)")
        }
        return value
    }

    /// A yes/no setting, false when neither set nor defaulted.
    func bool(_ key: SettingKey) throws(SettingsError) -> Bool {
        try optionalBool(key) ?? false
    }

    /// A yes/no setting, or nil when neither set nor defaulted.
    func optionalBool(_ key: SettingKey) throws(SettingsError) -> Bool? {
        guard let raw = try text(key) else { return nil }
        guard key.spec.rule == .boolean else { throw Self.wrongRule(key, "true or false") }
        switch raw.lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: throw invalid(key, raw, "expected true or false")
        }
    }

    /// Whether `--debug` is on, readable before the rest so logging can start first.
    func debugRequested() -> Bool {
        (try? bool(.debug)) == true
    }

    /// How the setting is named in a message: the flag, or the variable and where it was set.
    func describe(_ key: SettingKey) -> String {
        let spec = key.spec
        switch origin(key) {
        case .flag, .defaultValue: return spec.flag
        case .environment: return "\(spec.environment ?? spec.flag) in the environment"
        case .file(let path): return "\(spec.environment ?? spec.flag) in \(path)"
        case .tag(let tagKey): return "instance tag \(tagKey)"
        }
    }

    /// How to give a setting, for a message that asks for it: `--zone-id ID (or R53HOOK_ZONE_ID)`.
    func howToGive(_ key: SettingKey, placeholder: String) -> String {
        let spec = key.spec
        guard let environment = spec.environment else { return "\(spec.flag) \(placeholder)" }
        return "\(spec.flag) \(placeholder) (or \(environment))"
    }

    /// The error for a bad value: usage when it came from a flag, configuration otherwise.
    func invalid(_ key: SettingKey, _ value: String, _ reason: String) -> SettingsError {
        SettingsError(
            origin(key) == .flag ? .usage : .configuration,
            "invalid \(describe(key)) '\(value)': \(reason)")
    }

    /// The error for two settings that exclude each other: usage only when both are flags.
    func conflict(_ first: SettingKey, _ second: SettingKey, _ message: String) -> SettingsError {
        SettingsError(origin(first) == .flag && origin(second) == .flag ? .usage : .configuration, message)
    }

    private static func wrongRule(_ key: SettingKey, _ expected: String) -> SettingsError {
        SettingsError(.internal, "the settings table gives \(key.spec.flag) no \(expected); SettingsTableTests should have caught it")
    }
}
