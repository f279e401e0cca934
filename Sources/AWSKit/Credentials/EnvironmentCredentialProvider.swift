/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
package struct EnvironmentCredentialProvider: CredentialProvider {
    private let environment: ProcessEnvironment

    /// Creates the provider over an environment.
    package init(environment: ProcessEnvironment) {
        self.environment = environment
    }

    /// "environment variables".
    package var description: String { "environment variables" }

    /// The credentials when both key variables are set; an error when only one of them is.
    package func resolve() async throws -> AWSCredentials? {
        let keyId = environment["AWS_ACCESS_KEY_ID"]
        let secret = environment["AWS_SECRET_ACCESS_KEY"]
        switch (keyId, secret) {
        case (nil, nil):
            return nil
        case (let keyId?, let secret?):
            return AWSCredentials(
                accessKeyId: keyId, secretAccessKey: secret,
                sessionToken: environment["AWS_SESSION_TOKEN"], source: description)
        default:
            throw AWSKitError(
                .invalidCredentialSource,
                "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set: set both, or neither to use another credential source")
        }
    }
}
