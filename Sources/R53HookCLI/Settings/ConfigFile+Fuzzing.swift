extension ConfigFile {
    /// What r53hook reads from a file's text: its own settings and the other variables, or nil
    /// when it refuses the file. The entry point of the fuzz target `config` (Tests/Fuzz), which
    /// sees `package` declarations only, so that the type and its errors stay internal.
    package static func accepted(text: String) -> (settings: [String: String], environment: [String: String])? {
        guard let file = try? ConfigFile(path: "/etc/default/r53hook", text: text) else { return nil }
        return (file.settings, file.environment)
    }

    /// The keys a file may set (every setting's environment variable but R53HOOK_CONFIG).
    package static var acceptedKeys: [String] { knownKeys }
}
