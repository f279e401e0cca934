/// Credentials of the instance profile role, from IMDS `iam/security-credentials/`.
package struct InstanceRoleCredentialProvider: CredentialProvider {
    private let metadata: any InstanceMetadata

    /// Creates the provider over an IMDS client.
    package init(metadata: any InstanceMetadata) {
        self.metadata = metadata
    }

    /// "instance role (IMDS)".
    package var description: String { "instance role (IMDS)" }

    /// The role's current temporary credentials; nil when the instance has no role attached.
    package func resolve() async throws -> AWSCredentials? {
        guard let listing = try await metadata.value(at: "iam/security-credentials/") else { return nil }
        guard let role = listing.split(whereSeparator: \.isNewline).first.map({ $0.trimmingWhitespace }), !role.isEmpty else {
            return nil
        }
        guard let document = try await metadata.value(at: "iam/security-credentials/\(role)") else {
            throw AWSKitError(.credentialsUnreachable, "IMDS lists role '\(role)' but has no credentials for it (HTTP 404); try again shortly")
        }
        return try CredentialDocument.credentials(from: document, source: "instance role \(role)")
    }
}
