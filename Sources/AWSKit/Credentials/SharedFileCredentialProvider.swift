/// Credentials from the shared files: `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`)
/// and `AWS_CONFIG_FILE` (default `~/.aws/config`), profile `AWS_PROFILE` (default `default`).
package struct SharedFileCredentialProvider: CredentialProvider {
    private let environment: ProcessEnvironment
    private let files: any FileReading

    /// Creates the provider; `files` reads the files (the real file system in production).
    package init(environment: ProcessEnvironment, files: any FileReading = LocalFileReader()) {
        self.environment = environment
        self.files = files
    }

    /// The profile the provider reads.
    package var profile: String {
        environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
    }

    /// "shared credentials files, profile NAME".
    package var description: String { "shared credentials files, profile \(profile)" }

    /// The profile's static keys. An explicitly chosen profile that does not exist, or that
    /// needs a feature r53hook does not have (role_arn, credential_process, SSO), is an error.
    package func resolve() async throws -> AWSCredentials? {
        // Without HOME (systemd services) `~` is the account's home, as in the SDKs; with no
        // home at all there are no default files to read.
        let home = environment.homeDirectory
        let credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home.map { "\($0)/.aws/credentials" }
        let configPath = environment["AWS_CONFIG_FILE"] ?? home.map { "\($0)/.aws/config" }
        let credentials = credentialsPath.flatMap(files.read(path:)).map(INIFile.init(text:))
        let config = configPath.flatMap(files.read(path:)).map(INIFile.init(text:))

        let fromCredentials = credentials?.sections[profile]
        let fromConfig =
            profile == "default"
            ? (config?.sections["default"] ?? config?.sections["profile default"])
            : config?.sections["profile \(profile)"]
        let explicit = environment["AWS_PROFILE"] != nil || environment["AWS_DEFAULT_PROFILE"] != nil

        guard fromCredentials != nil || fromConfig != nil else {
            if explicit {
                throw AWSKitError(
                    .invalidCredentialSource,
                    "AWS_PROFILE names profile '\(profile)', which is in neither \(credentialsPath ?? "~/.aws/credentials (no home directory)") nor \(configPath ?? "~/.aws/config (no home directory)")"
                )
            }
            return nil
        }
        let merged = (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentialsValue in credentialsValue }
        // An empty key id or secret (`aws_secret_access_key =`) is no key, as in the credential
        // documents: signing with it would only earn a refusal from AWS naming neither the file
        // nor the profile.
        if let keyId = merged["aws_access_key_id"], let secret = merged["aws_secret_access_key"], !keyId.isEmpty, !secret.isEmpty {
            return AWSCredentials(
                accessKeyId: keyId, secretAccessKey: secret,
                sessionToken: merged["aws_session_token"], source: description)
        }
        let unsupported = ["role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file"]
            .filter { merged[$0] != nil }
        if !unsupported.isEmpty {
            throw AWSKitError(
                .invalidCredentialSource,
                "profile '\(profile)' uses \(unsupported.joined(separator: ", ")), which r53hook does not support: give it static keys, use environment variables, or rely on the instance role")
        }
        if explicit {
            throw AWSKitError(.invalidCredentialSource, "profile '\(profile)' has no aws_access_key_id and aws_secret_access_key")
        }
        return nil
    }
}
