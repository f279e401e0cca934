/// A source of AWS credentials. Its description names the source, never a secret.
package protocol CredentialProvider: Sendable, CustomStringConvertible {
    /// The credentials, or nil when this source is not configured here (the chain then asks the
    /// next one). Throws `AWSKitError` when the source is configured but broken.
    func resolve() async throws -> AWSCredentials?
}
