/// The profiles of the AWS shared files as the SDKs merge them: `AWS_SHARED_CREDENTIALS_FILE`
/// (default `~/.aws/credentials`, sections named `NAME`) over `AWS_CONFIG_FILE` (default
/// `~/.aws/config`, sections `profile NAME`, and `default`), a key in the credentials file
/// winning over the same key in the config file.
package struct SharedProfiles: Sendable {
    /// The credentials file's path, or nil without a home directory.
    package let credentialsPath: String?
    /// The config file's path, or nil without a home directory.
    package let configPath: String?
    private let credentials: INIFile?
    private let config: INIFile?

    /// Reads both files (a missing file is no profiles).
    package init(environment: ProcessEnvironment, files: any FileReading) {
        // Without HOME (systemd services) `~` is the account's home, as in the SDKs; with no
        // home at all there are no default files to read.
        let home = environment.homeDirectory
        credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home.map { "\($0)/.aws/credentials" }
        configPath = environment["AWS_CONFIG_FILE"] ?? home.map { "\($0)/.aws/config" }
        credentials = credentialsPath.flatMap(files.read(path:)).map(INIFile.init(text:))
        config = configPath.flatMap(files.read(path:)).map(INIFile.init(text:))
    }

    /// The keys of a profile from both files, or nil when neither has it.
    package func profile(_ name: String) -> [String: String]? {
        let fromCredentials = credentials?.sections[name]
        let fromConfig =
            name == "default"
            ? (config?.sections["default"] ?? config?.sections["profile default"])
            : config?.sections["profile \(name)"]
        guard fromCredentials != nil || fromConfig != nil else { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentialsValue in credentialsValue }
    }

    /// "~/.aws/credentials nor ~/.aws/config", for messages about a missing profile.
    package var filesDescription: String {
        "\(credentialsPath ?? "~/.aws/credentials (no home directory)") nor \(configPath ?? "~/.aws/config (no home directory)")"
    }
}
