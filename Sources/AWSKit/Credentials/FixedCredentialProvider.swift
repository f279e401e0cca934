/// Credentials known in advance: a source profile's static keys, handed to the role that
/// needs them.
package struct FixedCredentialProvider: CredentialProvider {
    private let credentials: AWSCredentials

    /// Creates the provider.
    package init(_ credentials: AWSCredentials) {
        self.credentials = credentials
    }

    /// Where the keys came from.
    package var description: String { credentials.source }

    /// The keys.
    package func resolve() async throws -> AWSCredentials? { credentials }
}
