/// Credentials from the shared files: `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`)
/// and `AWS_CONFIG_FILE` (default `~/.aws/config`), profile `AWS_PROFILE` (default `default`).
///
/// A profile gives static keys, a role to assume (`role_arn` with `source_profile` or
/// `credential_source`), or a `credential_process`, in the AWS CLI's order: `role_arn` first,
/// then static keys, then the process. A source profile may itself assume a role (role
/// chaining); a chain that comes back to a profile already in it is refused.
package struct SharedFileCredentialProvider: CredentialProvider {
    private let environment: ProcessEnvironment
    private let files: any FileReading
    private let services: ProfileCredentialServices?

    /// Creates the provider; `files` reads the files (the real file system in production).
    /// Without `services`, profiles that assume a role or run a process are refused.
    package init(environment: ProcessEnvironment, files: any FileReading = LocalFileReader(), services: ProfileCredentialServices? = nil) {
        self.environment = environment
        self.files = files
        self.services = services
    }

    /// The profile the provider reads.
    package var profile: String {
        environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
    }

    /// "shared credentials files, profile NAME".
    package var description: String { "shared credentials files, profile \(profile)" }

    /// The profile's credentials. An explicitly chosen profile that does not exist, or that
    /// needs a feature r53hook does not have (SSO, web identity), is an error.
    package func resolve() async throws -> AWSCredentials? {
        let profiles = SharedProfiles(environment: environment, files: files)
        let explicit = environment["AWS_PROFILE"] != nil || environment["AWS_DEFAULT_PROFILE"] != nil
        guard let keys = profiles.profile(profile) else {
            if explicit {
                throw AWSKitError(
                    .invalidCredentialSource, "AWS_PROFILE names profile '\(profile)', which is in neither \(profiles.filesDescription)")
            }
            return nil
        }
        if keys["role_arn"] != nil || keys["credential_process"] != nil {
            return try await provider(forProfile: profile, keys: keys, profiles: profiles, chain: []).resolve()
        }
        if let credentials = staticCredentials(keys) { return credentials }
        try refuseUnsupported(profile, keys)
        if explicit {
            throw AWSKitError(.invalidCredentialSource, "profile '\(profile)' has no aws_access_key_id and aws_secret_access_key")
        }
        return nil
    }

    /// The provider for a profile with a role or a process; `chain` lists the profiles whose
    /// role needs this one's credentials, so a loop is refused instead of followed forever.
    private func provider(
        forProfile name: String, keys: [String: String], profiles: SharedProfiles, chain: [String]
    ) throws(AWSKitError) -> any CredentialProvider {
        if keys["role_arn"] != nil {
            let services = try required(name, feature: "role_arn")
            let settings = try AssumeRoleSettings(profile: name, keys: keys, defaultSessionName: Self.defaultSessionName(services.time))
            let source: any CredentialProvider
            switch settings.source {
            case .environment:
                source = EnvironmentCredentialProvider(environment: environment)
            case .instanceMetadata:
                source = InstanceRoleCredentialProvider(metadata: services.metadata)
            case .container:
                source = ContainerCredentialProvider(environment: environment, http: services.http, time: services.time, files: services.files)
            case .profile(let sourceName):
                source = try sourceProvider(sourceName, of: name, keys: keys, profiles: profiles, chain: chain + [name])
            }
            return AssumeRoleCredentialProvider(settings: settings, source: source, environment: environment, services: services)
        }
        if let credentials = staticCredentials(keys) { return FixedCredentialProvider(credentials) }
        if let commandLine = keys["credential_process"] {
            return ProcessCredentialProvider(profile: name, commandLine: commandLine, services: try required(name, feature: "credential_process"))
        }
        try refuseUnsupported(name, keys)
        throw AWSKitError(.invalidCredentialSource, "profile '\(name)' has no aws_access_key_id and aws_secret_access_key")
    }

    /// The credentials of `source_profile`: its static keys first (as the AWS CLI, so a
    /// profile may name itself when it holds the keys), else its own role or process.
    private func sourceProvider(
        _ sourceName: String, of name: String, keys: [String: String], profiles: SharedProfiles, chain: [String]
    ) throws(AWSKitError) -> any CredentialProvider {
        let sourceKeys = sourceName == name ? keys : profiles.profile(sourceName)
        guard let sourceKeys else {
            throw AWSKitError(
                .invalidCredentialSource,
                "profile '\(name)' has source_profile '\(sourceName)', which is in neither \(profiles.filesDescription)")
        }
        if let credentials = staticCredentials(sourceKeys) {
            return FixedCredentialProvider(
                AWSCredentials(
                    accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
                    sessionToken: credentials.sessionToken, source: "shared credentials files, profile \(sourceName)"))
        }
        if chain.contains(sourceName) || chain.count >= Self.maximumChain {
            throw AWSKitError(
                .invalidCredentialSource,
                "the source_profile chain \((chain + [sourceName]).joined(separator: " -> ")) \(chain.contains(sourceName) ? "comes back to a profile already in it" : "is longer than \(Self.maximumChain) roles"); end it with a profile that has static keys or a credential_source"
            )
        }
        return try provider(forProfile: sourceName, keys: sourceKeys, profiles: profiles, chain: chain)
    }

    /// At most this many roles assumed one after the other: far more than any account layout
    /// needs, few enough that a mistake fails fast.
    static let maximumChain = 5

    private func required(_ name: String, feature: String) throws(AWSKitError) -> ProfileCredentialServices {
        guard let services else {
            throw AWSKitError(.invalidCredentialSource, "profile '\(name)' uses \(feature), which this reader of the shared files does not follow")
        }
        return services
    }

    /// An empty key id or secret (`aws_secret_access_key =`) is no key, as in the credential
    /// documents: signing with it would only earn a refusal from AWS naming neither the file
    /// nor the profile.
    private func staticCredentials(_ keys: [String: String]) -> AWSCredentials? {
        guard let keyId = keys["aws_access_key_id"], let secret = keys["aws_secret_access_key"], !keyId.isEmpty, !secret.isEmpty else {
            return nil
        }
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: keys["aws_session_token"], source: description)
    }

    private func refuseUnsupported(_ name: String, _ keys: [String: String]) throws(AWSKitError) {
        let unsupported = ["sso_session", "sso_start_url", "web_identity_token_file"].filter { keys[$0] != nil }
        if !unsupported.isEmpty {
            throw AWSKitError(
                .invalidCredentialSource,
                "profile '\(name)' uses \(unsupported.joined(separator: ", ")), which r53hook does not support: give it static keys, a role_arn, a credential_process, use environment variables, or rely on the instance role"
            )
        }
    }

    /// The AWS CLI's default session name is `botocore-session-` and the Unix time; r53hook
    /// names itself, so CloudTrail tells its sessions apart.
    static func defaultSessionName(_ time: any TimeSource) -> String {
        "r53hook-\(Int64(time.wallClock.seconds.rounded(.down)))"
    }
}
