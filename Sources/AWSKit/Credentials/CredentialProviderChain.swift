/// The SDKs' credential chain: environment, shared files, container endpoint, instance role.
/// The first source that is configured wins, and is then asked again on every refresh.
public actor CredentialProviderChain: CredentialProvider {
    private let providers: [any CredentialProvider]
    private var chosen: (any CredentialProvider)?

    /// Creates a chain over providers, asked in order.
    public init(_ providers: [any CredentialProvider]) {
        self.providers = providers
    }

    /// The standard chain for an environment.
    public static func standard(
        environment: ProcessEnvironment, http: any HTTPClient, metadata: any InstanceMetadata,
        time: any TimeSource, files: any FileReading = LocalFileReader()
    ) -> CredentialProviderChain {
        CredentialProviderChain([
            EnvironmentCredentialProvider(environment: environment),
            SharedFileCredentialProvider(environment: environment, files: files),
            ContainerCredentialProvider(environment: environment, http: http, time: time, files: files),
            InstanceRoleCredentialProvider(metadata: metadata),
        ])
    }

    /// "credential chain".
    public nonisolated var description: String { "credential chain" }

    /// The credentials of the first configured source; an error that names every source tried
    /// when none is configured.
    public func resolve() async throws -> AWSCredentials? {
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
            } catch let error as HookError where error.kind == .unreachable && provider is InstanceRoleCredentialProvider {
                throw HookError(
                    .unreachable,
                    "no AWS credentials: \(tried.joined(separator: "; ")); and the instance role could not be read: \(error.message)",
                    underlying: error)
            }
        }
        throw HookError(
            .accessDenied,
            "no AWS credentials found (\(tried.joined(separator: "; "))). On EC2 attach an instance profile role; elsewhere set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE")
    }
}
