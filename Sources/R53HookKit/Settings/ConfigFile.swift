import AWSKit

/// A configuration file of shell-style `KEY=VALUE` lines, the same file the init script sources
/// and systemd reads as an `EnvironmentFile`.
///
/// Read literally, as systemd does: `#` comments, blank lines, an optional `export `, values
/// optionally in single or double quotes. Variable expansion and command substitution are
/// refused rather than silently read differently from the shell.
public struct ConfigFile: Sendable {
    /// The path it was read from.
    public let path: String
    /// r53hook's own settings in the file.
    public let settings: [SettingKey: String]
    /// Other variables in the file (AWS_REGION, AWS_ENDPOINT_URL, ...), used as environment
    /// defaults: the real environment wins.
    public let environment: [String: String]

    /// Reads and checks a file. Unknown `R53HOOK_` keys are errors, to catch typos.
    public init(path: String, text: String) throws(HookError) {
        var settings: [SettingKey: String] = [:]
        var environment: [String: String] = [:]
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let place = "\(path):\(offset + 1)"
            var line = rawLine.trimmingWhitespace
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingWhitespace }
            guard let equals = line.firstIndex(of: "=") else {
                throw HookError(.configuration, "\(place): expected KEY=VALUE, found '\(line)'")
            }
            let key = String(line[..<equals])
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), key.first?.isNumber == false else {
                throw HookError(.configuration, "\(place): '\(key)' is not a valid variable name")
            }
            let value = try Self.unquote(String(line[line.index(after: equals)...]), place: place)
            if key.hasPrefix("R53HOOK_") {
                guard let setting = SettingKey(rawValue: key) else {
                    let known = SettingKey.allCases.map(\.rawValue).joined(separator: ", ")
                    throw HookError(.configuration, "\(place): unknown key \(key). Known keys: \(known)")
                }
                settings[setting] = value
            } else {
                environment[key] = value
            }
        }
        self.path = path
        self.settings = settings
        self.environment = environment
    }

    private static func unquote(_ raw: String, place: String) throws(HookError) -> String {
        let value = raw.trimmingWhitespace
        if value.count >= 2, value.hasPrefix("'"), value.hasSuffix("'") {
            return String(value.dropFirst().dropLast())
        }
        var inner = value
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            inner = String(value.dropFirst().dropLast())
        } else if let comment = value.firstRange(of: " #") {
            inner = value[..<comment.lowerBound].trimmingWhitespace
        }
        if inner.contains("$") || inner.contains("`") {
            throw HookError(.configuration,
                            "\(place): r53hook reads config files literally; '$' and '`' (expansion) are not supported. Write the value itself, or put it in single quotes")
        }
        if inner.contains("\"") || inner.contains("'") {
            throw HookError(.configuration, "\(place): unbalanced quotes in '\(value)'")
        }
        return inner
    }
}
