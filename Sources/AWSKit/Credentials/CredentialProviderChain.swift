/// The SDKs' credential chain: environment, shared files, container endpoint, instance role.
/// The first source that is configured wins, and is then asked again on every refresh.
package actor CredentialProviderChain: CredentialProvider {
    private let providers: [any CredentialProvider]
    private var chosen: (any CredentialProvider)?

    /// Creates a chain over providers, asked in order.
    package init(_ providers: [any CredentialProvider]) {
        self.providers = providers
    }

    /// The standard chain for an environment; `profileServices` lets a profile assume a role
    /// or run a credential process (without them such profiles are refused).
    package static func standard(
        environment: ProcessEnvironment, http: any HTTPClient, metadata: any InstanceMetadata,
        time: any TimeSource, files: any FileReading = LocalFileReader(), profileServices: ProfileCredentialServices? = nil
    ) -> CredentialProviderChain {
        CredentialProviderChain([
            EnvironmentCredentialProvider(environment: environment),
            SharedFileCredentialProvider(environment: environment, files: files, services: profileServices),
            ContainerCredentialProvider(environment: environment, http: http, time: time, files: files),
            InstanceRoleCredentialProvider(metadata: metadata),
        ])
    }

    /// "credential chain".
    package nonisolated var description: String { "credential chain" }

    /// The credentials of the first configured source; an error that names every source tried
    /// when none is configured.
    package func resolve() async throws -> AWSCredentials? {
        if let chosen, let credentials = try await chosen.resolve() {
            return credentials
        }
        var tried: [String] = []
        for provider in providers {
            do {
                if let credentials = try await provider.resolve() {
                    chosen = provider
                    return credentials
                }
                tried.append("\(provider): not configured")
            } catch let error as AWSKitError where Self.metadataFailures.contains(error.code) && provider is InstanceRoleCredentialProvider {
                throw AWSKitError(
                    error.code,
                    "no AWS credentials: \(tried.joined(separator: "; ")); and the instance role could not be read: \(error.message)",
                    underlying: error)
            }
        }
        throw AWSKitError(
            .noCredentials,
            "no AWS credentials found (\(tried.joined(separator: "; "))). On EC2 attach an instance profile role; elsewhere set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE")
    }

    /// The failures of the instance role that mean IMDS could not be asked, rather than that no
    /// role is attached: reported with the sources tried, under the same code, so that its remedy
    /// (allowing IMDSv1, for one) still reaches the operator.
    private static let metadataFailures: Set<AWSKitError.Code> = [
        .metadataUnreachable, .metadataSessionRefused, .metadataRefused, .credentialsUnreachable,
    ]
}
