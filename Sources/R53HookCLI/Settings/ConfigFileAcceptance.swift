/// What r53hook accepts from a config file's text, seen from outside the command line: the entry
/// point of the fuzz target `config` (Tests/Fuzz), which sees `package` declarations only, so
/// that `ConfigFile` and its errors stay internal.
package enum ConfigFileAcceptance {
    /// r53hook's own settings and the other variables a file's text gives, or nil when r53hook
    /// refuses the file.
    package static func accepted(text: String) -> (settings: [String: String], environment: [String: String])? {
        guard let file = try? ConfigFile(path: "/etc/default/r53hook", text: text) else { return nil }
        return (file.settings, file.environment)
    }

    /// The keys a file may set (every setting's environment variable but R53HOOK_CONFIG).
    package static var knownKeys: [String] { ConfigFile.knownKeys }
}
